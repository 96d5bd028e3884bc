/* SPDX-License-Identifier: Apache-2.0 */
/* The fixed parts of `kubeadm completion` output (see completion-text.c). */
#pragma once

extern const char completion_boilerplate[];
extern const char completion_bash_preamble[];
extern const char completion_bash_postscript[];
extern const char completion_zsh_init[];
extern const char completion_zsh_tail[];
