/* SPDX-License-Identifier: Apache-2.0 */
#include <stdarg.h>
#include <stdio.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/events.h"
#include "util/log.h"
#include "util/flags.h"
#include "util/strbuf.h"

int log_level;

static _printf_(2, 0) void emit(char sev, const char *fmt, va_list ap)
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	struct strbuf sb = STRBUF_INIT;
	strbuf_addf(&sb, "%c%02d%02d %02d:%02d:%02d.%06ld %7d ckubeadm] ", sev, tm.tm_mon + 1,
		    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (long)tv.tv_usec, (int)getpid());
	strbuf_vaddf(&sb, fmt, ap);
	if (!sb.len || sb.buf[sb.len - 1] != '\n')
		strbuf_addch(&sb, '\n');
	fputs(sb.buf, stderr);
	strbuf_release(&sb);
}

void log_v(int level, const char *fmt, ...)
{
	if (level > log_level)
		return;
	va_list ap;
	va_start(ap, fmt);
	emit('I', fmt, ap);
	va_end(ap);
}

static _printf_(2, 3) void emit_fmt(char sev, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	emit(sev, fmt, ap);
	va_end(ap);
}

void log_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (events_enabled()) {
		va_list aq;
		va_copy(aq, ap);
		struct strbuf sb = STRBUF_INIT;
		strbuf_vaddf(&sb, fmt, aq);
		va_end(aq);
		strbuf_rtrim(&sb);
		events_warning(sb.buf);
		strbuf_release(&sb);
	}
	emit('W', fmt, ap);
	va_end(ap);
}

/* klog's structured form: "msg" [err="..."] key="value"... (strings as Go's %q) */
static void emit_kv(char sev, const char *msg, const char *err, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;
	go_quote(msg, &sb);
	if (err) {
		strbuf_addstr(&sb, " err=");
		go_quote(err, &sb);
	}
	for (const char *k; (k = va_arg(ap, const char *));) {
		const char *v = va_arg(ap, const char *);
		strbuf_addf(&sb, " %s=", k);
		go_quote(v ? v : "", &sb);
	}
	emit_fmt(sev, "%s", sb.buf);
	strbuf_release(&sb);
}

static _Thread_local bool quiet;

void log_quiet(bool on)
{
	quiet = on;
}

void log_error_kv(const char *msg, const char *err, ...)
{
	if (quiet && log_level < 5)
		return;
	va_list ap;
	va_start(ap, err);
	emit_kv(quiet ? 'I' : 'E', msg, err, ap);
	va_end(ap);
}

void log_v_kv(int level, const char *msg, ...)
{
	if (level > log_level)
		return;
	va_list ap;
	va_start(ap, msg);
	emit_kv('I', msg, NULL, ap);
	va_end(ap);
}
