/* SPDX-License-Identifier: Apache-2.0 */
/*
 * kubeadm's init system layer (cmd/kubeadm/app/util/initsystem): systemd when `systemctl` is
 * on PATH, OpenRC when `openrc` (with rc-service and rc-update) is, otherwise none. Commands
 * run with stdin and stderr on /dev/null as Go's exec.Command does.
 */
#pragma once

#include <stdbool.h>

enum initsystem_kind {
	INITSYSTEM_NONE,
	INITSYSTEM_SYSTEMD,
	INITSYSTEM_OPENRC,
};

/*
 * initsystem.GetInitSystem: 0 with *ret set, or -ENOENT with kubeadm's message set ("no
 * supported init system detected, skipping checking for services", or the OpenRC one).
 */
int initsystem_detect(enum initsystem_kind *ret);

bool initsystem_service_exists(enum initsystem_kind k, const char *service);
bool initsystem_service_is_active(enum initsystem_kind k, const char *service);
/* ServiceStart/Stop/Restart: 0, or -EIO with Go's error text ("exit status 1", or
 * "failed to reload systemd: exit status 1"). */
int initsystem_service_start(enum initsystem_kind k, const char *service);
int initsystem_service_stop(enum initsystem_kind k, const char *service);
int initsystem_service_restart(enum initsystem_kind k, const char *service);
