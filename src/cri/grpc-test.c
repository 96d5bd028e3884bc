/* SPDX-License-Identifier: Apache-2.0 */
#include "util/testing.h"
int main(void) { return 0; }
