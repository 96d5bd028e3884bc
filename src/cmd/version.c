/* SPDX-License-Identifier: Apache-2.0 */
int cmd_placeholder(void);
int cmd_placeholder(void) { return 0; }
