#!/usr/bin/env python3
"""Generates the command and phase tables of ckubeadm from kubeadm's own cobra tree.

Input: the JSON that tests/peers/clidump prints (kubeadm v1.37.2's command tree and init phase
tree, every help string exactly as the reference holds it). Output: src/cmd/tables.c,
src/cmd/commands.h and src/phases/init-tree.c. Run again after changing the mappings below:
    (cd tests/peers && go run ./clidump) > /tmp/tree.json
    tests/cli/gen-tables.py /tmp/tree.json
The strings must stay byte-identical to the reference; structure (run functions, which commands
this build has, positional args, config paths) is decided by the tables in this script.
"""
import json, sys, os, re

tree = json.load(open(sys.argv[1]))
top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Commands this build runs (path -> run function). Everything else under a top-level command that
# is not built gets .not_built at the top level.
BUILT_TOP = {"completion", "config", "init", "version", "alpha", "certs", "kubeconfig", "reset", "token", "join",
             "upgrade"}
RUN = {
    "kubeadm version": "cmd_version",
    "kubeadm completion": "cmd_completion",
    "kubeadm config print init-defaults": "cmd_config_print_defaults",
    "kubeadm config print join-defaults": "cmd_config_print_defaults",
    "kubeadm config print reset-defaults": "cmd_config_print_defaults",
    "kubeadm config print upgrade-defaults": "cmd_config_print_defaults",
    "kubeadm config validate": "cmd_config_validate",
    "kubeadm config migrate": "cmd_config_migrate",
    "kubeadm config images list": "cmd_config_images_list",
    "kubeadm config images pull": "cmd_config_images_pull",
    "kubeadm init": "cmd_init",
    "kubeadm reset": "cmd_reset",
    "kubeadm join": "cmd_join",
    "kubeadm upgrade diff": "cmd_upgrade_diff",
    "kubeadm certs certificate-key": "cmd_certs_certificate_key",
    "kubeadm certs check-expiration": "cmd_certs_check_expiration",
    "kubeadm certs generate-csr": "cmd_certs_generate_csr",
    "kubeadm certs renew all": "cmd_certs_renew_all",
    **{"kubeadm certs renew " + n: "cmd_certs_renew" for n in (
        "admin.conf", "apiserver", "apiserver-etcd-client", "apiserver-kubelet-client",
        "controller-manager.conf", "etcd-healthcheck-client", "etcd-peer", "etcd-server",
        "front-proxy-client", "scheduler.conf", "super-admin.conf")},
    "kubeadm kubeconfig user": "cmd_kubeconfig_user",
    "kubeadm token create": "cmd_token_create",
    "kubeadm token delete": "cmd_token_delete",
    "kubeadm token generate": "cmd_token_generate",
    "kubeadm token list": "cmd_token_list",
    "kubeadm upgrade plan": "cmd_upgrade_plan",
    # the command line and the UpgradeConfiguration only; the upgrade is not built yet
    "kubeadm upgrade apply": "cmd_upgrade_apply",
    "kubeadm upgrade node": "cmd_upgrade_node",
}
REQUIRE_SUB = {"kubeadm config", "kubeadm config print", "kubeadm config images", "kubeadm token"}
NOARGS = set(RUN) - {"kubeadm completion", "kubeadm reset", "kubeadm join", "kubeadm token create", "kubeadm token delete",
                     "kubeadm upgrade plan", "kubeadm upgrade apply"} | REQUIRE_SUB
ARGS_FN = {"kubeadm completion": "CMD_ARGS_ANY"}
DATA = {
    "kubeadm config print init-defaults": "&config_defaults_init",
    "kubeadm config print join-defaults": "&config_defaults_join",
    "kubeadm config print reset-defaults": "&config_defaults_reset",
    "kubeadm config print upgrade-defaults": "&config_defaults_upgrade",
}
WORKFLOW = {"kubeadm init": ("init_workflow", "init_workflow_init", "init_workflow_free"),
            # bound, but their commands are not built yet (no data initializer)
            "kubeadm join": ("join_workflow", "join_workflow_init", "join_workflow_free"),
            "kubeadm reset": ("reset_workflow", "reset_workflow_init", "reset_workflow_free"),
            "kubeadm upgrade apply": ("upgrade_apply_workflow", "upgrade_apply_workflow_init", "upgrade_apply_workflow_free"),
            "kubeadm upgrade node": ("upgrade_node_workflow", "upgrade_node_workflow_init", "upgrade_apply_workflow_free")}
ARGS_MAX = {"kubeadm join": 1}
# Built, reachable, but not listed in the root help until they do their job in this build.
UNLISTED = set()
ROOT_ORDER = ["certs", "completion", "config", "init", "join", "reset", "version", "token",
              "upgrade", "alpha", "kubeconfig"]

# flag -> configuration override path (config/config.h), per command path prefix
INIT_PATHS = {
    "apiserver-advertise-address": "InitConfiguration.localAPIEndpoint.advertiseAddress",
    "apiserver-bind-port": "InitConfiguration.localAPIEndpoint.bindPort",
    "node-name": "InitConfiguration.nodeRegistration.name",
    "certificate-key": "InitConfiguration.certificateKey",
    "cri-socket": "InitConfiguration.nodeRegistration.criSocket",
    "service-cidr": "ClusterConfiguration.networking.serviceSubnet",
    "pod-network-cidr": "ClusterConfiguration.networking.podSubnet",
    "service-dns-domain": "ClusterConfiguration.networking.dnsDomain",
    "control-plane-endpoint": "ClusterConfiguration.controlPlaneEndpoint",
    "kubernetes-version": "ClusterConfiguration.kubernetesVersion",
    "cert-dir": "ClusterConfiguration.certificatesDir",
    "apiserver-cert-extra-sans": "ClusterConfiguration.apiServer.certSANs",
    "image-repository": "ClusterConfiguration.imageRepository",
    "apiserver-extra-args": "ClusterConfiguration.apiServer.extraArgs",
    "controller-manager-extra-args": "ClusterConfiguration.controllerManager.extraArgs",
    "scheduler-extra-args": "ClusterConfiguration.scheduler.extraArgs",
}
RESET_PATHS = {
    "cert-dir": "ResetConfiguration.certificatesDir",
    "cri-socket": "ResetConfiguration.criSocket",
    "force": "ResetConfiguration.force",
    "dry-run": "ResetConfiguration.dryRun",
    "cleanup-tmp-dir": "ResetConfiguration.cleanupTmpDir",
}
CONFIG_PATHS = {"kubeadm reset": RESET_PATHS, "kubeadm init": INIT_PATHS, "kubeadm config images list": INIT_PATHS,
                "kubeadm config images pull": INIT_PATHS}

REQUIRED = {("kubeadm kubeconfig user", "client-name")}
cur_path = [""]

TYPES = {"bool": "FLAG_BOOL", "string": "FLAG_STRING", "stringSlice": "FLAG_STRING_SLICE",
         "stringArray": "FLAG_STRING_ARRAY", "stringToString": "FLAG_STRING_TO_STRING",
         "int": "FLAG_INT", "int32": "FLAG_INT32", "duration": "FLAG_DURATION",
         "[]kubeadmapiv1.Arg": "FLAG_ARG_SLICE"}
ZERO = {"FLAG_BOOL": "false", "FLAG_STRING": "", "FLAG_STRING_SLICE": "[]", "FLAG_INT": "0",
        "FLAG_INT32": "0", "FLAG_DURATION": "0s", "FLAG_STRING_ARRAY": "[]", "FLAG_ARG_SLICE": ""}


def c_str(s):
    if s is None:
        return "NULL"
    out = []
    for line in re.split(r"(?<=\n)", s):
        if not line:
            continue
        e = line.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
        out.append('"%s"' % e)
    if not out:
        return '""'
    return "\n\t\t".join(out)


def ident(path):
    return re.sub(r"[^a-zA-Z0-9]", "_", path.replace("kubeadm", "root", 1).strip())


def flag_entry(f, paths):
    t = TYPES[f["Type"]]
    parts = ['.name = "%s"' % f["Name"]]
    if f["Shorthand"]:
        parts.append(".shorthand = '%s'" % f["Shorthand"])
    parts.append(".type = %s" % t)
    if f["DefValue"] != ZERO.get(t, ""):
        parts.append(".def = %s" % c_str(f["DefValue"]))
    parts.append(".usage = %s" % c_str(f["Usage"]))
    if f["NoOptDefVal"] and not (t == "FLAG_BOOL" and f["NoOptDefVal"] == "true"):
        parts.append(".no_opt_def = %s" % c_str(f["NoOptDefVal"]))
    if f["Deprecated"]:
        parts.append(".deprecated = %s" % c_str(f["Deprecated"]))
    if f["ShorthandDeprecated"]:
        parts.append(".shorthand_deprecated = %s" % c_str(f["ShorthandDeprecated"]))
    if f["Hidden"] and not f["Deprecated"]:
        parts.append(".hidden = true")
    if (cur_path[0], f["Name"]) in REQUIRED:
        parts.append(".required = true")
    if f["Name"] in paths:
        parts.append('.config_path = "%s"' % paths[f["Name"]])
    return "\t{ " + ",\n\t  ".join(parts) + " },\n"


out = []
workflows = set()
decls = set()
datas = set()


def emit(c, path, parent_built):
    name = c["Use"].split(" ")[0]
    ident_ = ident(path)
    built = parent_built
    if path.count(" ") == 1:
        built = name in BUILT_TOP
    kids = []
    for k in c.get("Children") or []:
        kname = k["Use"].split(" ")[0]
        if kname == "help":
            continue
        if kname == "phase" and path in WORKFLOW:
            continue  # generated at run time from the phase tree (BindToCommand)
        kids.append(k)
    if path == "kubeadm":
        kids.sort(key=lambda k: ROOT_ORDER.index(k["Use"].split(" ")[0]))
    for k in kids:
        emit(k, path + " " + k["Use"].split(" ")[0], built)
    paths = CONFIG_PATHS.get(path, {})
    cur_path[0] = path
    pers = {f["Name"] for f in c["Persistent"]}
    local = [f for f in c["Local"] if f["Name"] != "help" and f["Name"] not in pers]
    persistent = [f for f in c["Persistent"]]
    if path == "kubeadm":
        persistent += [
            {"Name": "v", "Shorthand": "v", "Type": "Level", "DefValue": "0",
             "Usage": "number for the log level verbosity", "NoOptDefVal": "", "Deprecated": "",
             "ShorthandDeprecated": "", "Hidden": False},
            {"Name": "vmodule", "Shorthand": "", "Type": "moduleSpec", "DefValue": "",
             "Usage": "comma-separated list of pattern=N settings for file-filtered logging",
             "NoOptDefVal": "", "Deprecated": "", "ShorthandDeprecated": "", "Hidden": False}]
    for kind, fl in (("flags", local), ("pflags", persistent)):
        if not fl:
            continue
        out.append("static const struct flag %s_%s[] = {\n" % (kind, ident_))
        for f in fl:
            if f["Type"] == "Level":
                out.append('\t{ .name = "v", .shorthand = \'v\', .type = FLAG_LEVEL,\n\t  .usage = "number for the log level verbosity" },\n')
            elif f["Type"] == "moduleSpec":
                out.append('\t{ .name = "vmodule", .type = FLAG_MODULE_SPEC,\n\t  .usage = "comma-separated list of pattern=N settings for file-filtered logging" },\n')
            else:
                out.append(flag_entry(f, paths))
        out.append("\t{ 0 },\n};\n\n")
    if kids:
        out.append("static const struct command *const children_%s[] = {\n" % ident_)
        for k in kids:
            out.append("\t&cmd_%s,\n" % ident(path + " " + k["Use"].split(" ")[0]))
        out.append("\tNULL,\n};\n\n")
    if c["Aliases"]:
        out.append("static const char *const aliases_%s[] = { %s, NULL };\n\n" % (
            ident_, ", ".join('"%s"' % a for a in c["Aliases"])))
    long_ = c["Long"]
    if path in WORKFLOW:
        # BindToCommand appended the phase list to the original Long; the engine does it again
        m = re.search(r'\n\nThe "[^"]+" command executes the following phases:\n', long_)
        long_ = long_[:m.start()] if m and not long_.startswith(c["Short"] + "\n\nThe ") else ""
    fields = ['.use = %s' % c_str(c["Use"])]
    if c["Aliases"]:
        fields.append(".aliases = aliases_%s" % ident_)
    if c["Short"]:
        fields.append(".short_desc = %s" % c_str(c["Short"]))
    if long_:
        fields.append(".long_desc = %s" % c_str(long_))
    if c["Example"]:
        fields.append(".example = %s" % c_str(c["Example"]))
    if local:
        fields.append(".flags = flags_%s" % ident_)
    if persistent:
        fields.append(".persistent_flags = pflags_%s" % ident_)
    if kids:
        fields.append(".children = children_%s" % ident_)
    if path in RUN and built:
        fields.append(".run = %s" % RUN[path])
        decls.add(RUN[path])
    elif (path in REQUIRE_SUB or (c["Runnable"] and kids and path not in WORKFLOW)):
        # cmdutil.RequireSubcommand: every runnable parent in kubeadm (but workflow owners)
        fields.append(".run = cmd_require_subcommand")
    elif c["Runnable"]:
        fields.append(".run = cmd_not_built")
    if path in NOARGS or (c["Runnable"] and kids and path not in WORKFLOW and path not in RUN):
        fields.append(".args = CMD_ARGS_NONE")
    if path in ARGS_FN:
        fields.append(".args = %s" % ARGS_FN[path])
    if path == "kubeadm completion":
        fields.append(".valid_args = completion_shells")
    if path in DATA:
        fields.append(".data = %s" % DATA[path])
        datas.add(DATA[path][1:])
    if path in ARGS_MAX:
        fields.append(".args = CMD_ARGS_MAX")
        fields.append(".nargs = %d" % ARGS_MAX[path])
    if path in WORKFLOW:
        w, i, f = WORKFLOW[path]
        fields.append(".workflow = &%s" % w)
        workflows.add(w)
        if i:
            fields.append(".workflow_init = %s" % i)
            decls.add(i + "@")
        if f:
            fields.append(".workflow_free = %s" % f)
            decls.add(f + "@@")
    if c.get("NoFlagsInUseLine"):
        fields.append(".no_flags_in_use_line = true")
    if c["Hidden"]:
        fields.append(".hidden = true")
    if c["Deprecated"]:
        fields.append(".deprecated = %s" % c_str(c["Deprecated"]))
    if path.count(" ") == 1 and not built:
        fields.append(".not_built = true")
    if path in UNLISTED:
        fields.append(".unlisted = true")
    storage = "" if path == "kubeadm" else "static "
    out.append("%sconst struct command cmd_%s = {\n\t%s,\n};\n\n" % (
        storage, ident_, ",\n\t".join(fields)))


emit(tree["root"], "kubeadm", True)
hdr = ["/* SPDX-License-Identifier: Apache-2.0 */\n",
       "/* Generated by tests/cli/gen-tables.py from kubeadm v1.37.2's command tree: do not edit. */\n",
       "#pragma once\n\n#include \"cmd/command.h\"\n\n",
       "/* The root command (`kubeadm`). */\nextern const struct command cmd_root;\n\n",
       "/* Run functions of the commands in src/cmd/tables.c (one file per command). */\n",
       ]
for d in sorted(decls):
    if d.endswith("@@"):
        hdr.append("void %s(struct run_ctx *data);\n" % d[:-2])
    elif d.endswith("@"):
        hdr.append("int %s(struct cmd_ctx *ctx, struct workflow_options *opts, struct run_ctx **ret);\n" % d[:-1])
    else:
        hdr.append("int %s(struct cmd_ctx *ctx);\n" % d)
hdr.append("\n/* Data of shared run functions. */\n")
for d in sorted(datas):
    hdr.append("extern const int %s;\n" % d)
hdr.append("\n/* Workflows bound to commands. */\n")
for w in sorted(workflows):
    hdr.append("extern const struct workflow %s;\n" % w)
open(os.path.join(top, "src/cmd/commands.h"), "w").write("".join(hdr))
body = ("/* SPDX-License-Identifier: Apache-2.0 */\n"
        "/* Generated by tests/cli/gen-tables.py from kubeadm v1.37.2's command tree: do not edit\n"
        " * the strings by hand (they are the reference's, byte for byte); change the script. */\n"
        "#include <stddef.h>\n\n#include \"cmd/commands.h\"\n\n"
        "static const char *const completion_shells[] = { \"bash\", \"zsh\", NULL };\n\n"
        + "".join(out))
open(os.path.join(top, "src/cmd/tables.c"), "w").write(body)

# ---- the init phase tree ----------------------------------------------------------------------
pout = []
pdecl = []


def cleanname(s):
    return s.split(" ")[0].lower()


def pident(s):
    return re.sub(r"[^a-zA-Z0-9]", "_", s.split(" ")[0])


def phase_array(phases, prefix, arrname):
    # children first
    for p in phases:
        if p.get("Phases"):
            phase_array(p["Phases"], prefix + "_" + pident(p["Name"]), "phases_%s_%s" % (prefix, pident(p["Name"])))
    for p in phases:
        if p.get("LocalFlags"):
            pout.append("static const struct flag flags_%s_%s[] = {\n" % (prefix, pident(p["Name"])))
            for fl in p["LocalFlags"]:
                pout.append(flag_entry(fl, {}))
            pout.append("\t{ 0 },\n};\n")
        for key, arr in (("InheritFlags", "inherit"), ("Aliases", "aliases"), ("Deps", "deps")):
            if p.get(key):
                pout.append("static const char *const %s_%s_%s[] = { %s, NULL };\n" % (
                    arr, prefix, pident(p["Name"]), ", ".join('"%s"' % x for x in p[key])))
    pout.append("static const struct phase %s[] = {\n" % arrname)
    for p in phases:
        n = pident(p["Name"])
        f = ['.name = "%s"' % p["Name"]]
        if p["Aliases"]:
            f.append(".aliases = aliases_%s_%s" % (prefix, n))
        if p["Short"]:
            f.append(".short_desc = %s" % c_str(p["Short"]))
        if p["Long"]:
            f.append(".long_desc = %s" % c_str(p["Long"]))
        if p["Example"]:
            f.append(".example = %s" % c_str(p["Example"]))
        if p["Hidden"]:
            f.append(".hidden = true")
        if p.get("NoArgs"):
            f.append(".no_args = true")
        if p["RunAllSiblings"]:
            f.append(".run_all_siblings = true")
        if p.get("Phases"):
            f.append(".children = phases_%s_%s" % (prefix, n))
        if p["HasRun"]:
            fn = "phase_%s_%s" % (prefix, n)
            f.append(".run = %s" % fn)
            pdecl.append(fn)
        if p["HasRunIf"]:
            fn = "phase_%s_%s_run_if" % (prefix, n)
            f.append(".run_if = %s" % fn)
            pdecl.append(fn)
        if p["InheritFlags"]:
            f.append(".inherit_flags = inherit_%s_%s" % (prefix, n))
        if p.get("LocalFlags"):
            f.append(".local_flags = flags_%s_%s" % (prefix, n))
        if p["Deps"]:
            f.append(".dependencies = deps_%s_%s" % (prefix, n))
        pout.append("\t{\n\t\t%s,\n\t},\n" % ",\n\t\t".join(f))
    pout.append("\t{ 0 },\n};\n\n")


# One tree per workflow present in the dump (clidump prints "init"; add "join", "reset", ...
# there, a WORKFLOW entry above and a cmd/<name>.c owner to bind another one).
for wf in ("init", "join", "reset", "upgrade_apply", "upgrade_node"):
    if wf not in tree:
        continue
    pout.clear()
    pdecl.clear()
    phase_array(tree[wf], wf, "phases_" + wf)
    ph = ["/* SPDX-License-Identifier: Apache-2.0 */\n",
          "/* kubeadm %s's phases (cmd/kubeadm/app/cmd/phases), generated by\n" % wf.replace("_", " "),
          " * tests/cli/gen-tables.py from the reference's tree: names, texts and inherited flags. */\n",
          "#pragma once\n\n#include \"phases/workflow.h\"\n\n",
          "/* The %s phase tree, in kubeadm's order. */\nextern const struct phase phases_%s[];\n\n" % (wf, wf),
          "/* Run functions, one file per phase under src/phases/%s/. Each returns 0 or -errno. */\n" % wf]
    for d in pdecl:
        ph.append("int %s(struct run_ctx *ctx);\n" % d)
    open(os.path.join(top, "src/phases/%s.h" % wf), "w").write("".join(ph))
    open(os.path.join(top, "src/phases/%s-tree.c" % wf), "w").write(
        "/* SPDX-License-Identifier: Apache-2.0 */\n"
        "/* Generated by tests/cli/gen-tables.py from kubeadm v1.37.2: do not edit the strings. */\n"
        "#include <stddef.h>\n\n#include \"phases/%s.h\"\n\n" % wf + "".join(pout).replace(
            "static const struct phase phases_%s[]" % wf, "const struct phase phases_%s[]" % wf))
    # one stub file per top-level phase, created once (never overwritten: the real code goes there)
    for p in tree[wf]:
        fns = []
        if p["HasRun"]:
            fns.append(("phase_%s_%s" % (wf, pident(p["Name"])), cleanname(p["Name"])))
        for c in p.get("Phases") or []:
            if c["HasRun"]:
                fns.append(("phase_%s_%s_%s" % (wf, pident(p["Name"]), pident(c["Name"])),
                            cleanname(p["Name"]) + "/" + cleanname(c["Name"])))
            if c["HasRunIf"]:
                fns.append(("phase_%s_%s_%s_run_if" % (wf, pident(p["Name"]), pident(c["Name"])), None))
        if p["HasRunIf"]:
            fns.append(("phase_%s_%s_run_if" % (wf, pident(p["Name"])), None))
        if not fns:
            continue
        d = os.path.join(top, "src/phases", wf.replace("_", "-"))
        os.makedirs(d, exist_ok=True)
        fn_path = os.path.join(d, cleanname(p["Name"]) + ".c")
        if os.path.exists(fn_path):
            continue
        body = ("/* SPDX-License-Identifier: Apache-2.0 */\n"
                "/* %s phase \"%s\" (cmd/kubeadm/app/cmd/phases). Not implemented yet: every run\n"
                " * function reports so instead of pretending success. */\n"
                "#include <errno.h>\n\n#include \"phases/%s.h\"\n#include \"util/error.h\"\n"
                % (wf.replace("_", " "), cleanname(p["Name"]), wf))
        for fn, name in fns:
            if name is None:
                body += "\nint %s(struct run_ctx *ctx)\n{\n\treturn 1;\n}\n" % fn
            else:
                body += ("\nint %s(struct run_ctx *ctx)\n{\n\treturn error_set(-ENOSYS, "
                         "\"phase \\\"%s\\\" is not implemented in this build\");\n}\n" % (fn, name))
        open(fn_path, "w").write(body)
        print("created", fn_path)
