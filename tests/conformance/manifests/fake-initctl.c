/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A stand-in for systemctl, openrc, rc-service and rc-update inside the conformance roots
 * (built static: the roots hold nothing else). Each call is appended to /var/log/fake-calls.log so
 * that the command sequences of kubeadm and ckubeadm are compared with the other files.
 * /fake-mode selects the behaviour: "offline" (a machine without systemd as PID 1: every
 * call fails), "active" (services exist and run), "notfound" (no kubelet unit).
 */
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	char mode[32] = "offline";
	FILE *f = fopen("/fake-mode", "r");
	if (f) {
		if (fscanf(f, "%31s", mode) != 1)
			strcpy(mode, "offline");
		fclose(f);
	}
	FILE *log = fopen("/var/log/fake-calls.log", "a");
	if (log) {
		fputs(name, log);
		for (int i = 1; i < argc; i++)
			fprintf(log, " %s", argv[i]);
		fputc('\n', log);
		fclose(log);
	}
	const char *a1 = argc > 1 ? argv[1] : "", *a2 = argc > 2 ? argv[2] : "";
	if (!strcmp(mode, "offline")) {
		fputs("System has not been booted with systemd as init system (PID 1). Can't operate.\n", stderr);
		return 1;
	}
	if (!strcmp(name, "systemctl")) {
		if (!strcmp(a1, "is-active")) {
			puts(!strcmp(mode, "active") ? "active" : "inactive");
			return !strcmp(mode, "active") ? 0 : 3;
		}
		if (!strcmp(a1, "status")) {
			if (!strcmp(mode, "notfound") && !strcmp(a2, "kubelet")) {
				puts("Unit kubelet.service could not be found.");
				return 4;
			}
			printf("* %s.service\n     Loaded: loaded\n", a2);
			return 0;
		}
		if (!strcmp(mode, "notfound") && (!strcmp(a1, "restart") || !strcmp(a1, "stop")))
			return 5;
		return 0;
	}
	if (!strcmp(name, "rc-service")) {
		if (!strcmp(a2, "status")) {
			if (!strcmp(mode, "notfound")) {
				fprintf(stderr, " * rc-service: service `%s' does not exist\n", a1);
				return 1;
			}
			puts(" * status: started");
			return 0;
		}
		return !strcmp(mode, "notfound");
	}
	return 0;
}
