/* SPDX-License-Identifier: Apache-2.0 */
/* The phase engine (placeholder). */
int phases_placeholder(void);
int phases_placeholder(void) { return 0; }
