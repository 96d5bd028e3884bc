/* SPDX-License-Identifier: Apache-2.0 */
/* Go durations live in util/duration.h (the flag parser needs them too). */
#pragma once

#include "util/duration.h"
