// Command clidump prints kubeadm's cobra command tree and init phase tree as JSON:
// the source of the C command and phase tables in src/cmd and src/phases (the strings must be
// byte-identical to the reference). Usage: go run ./clidump > tree.json
package main

import (
	"encoding/json"
	"os"
	"reflect"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	kcmd "k8s.io/kubernetes/cmd/kubeadm/app/cmd"
	initphases "k8s.io/kubernetes/cmd/kubeadm/app/cmd/phases/init"
	joinphases "k8s.io/kubernetes/cmd/kubeadm/app/cmd/phases/join"
	resetphases "k8s.io/kubernetes/cmd/kubeadm/app/cmd/phases/reset"
	upgradephases "k8s.io/kubernetes/cmd/kubeadm/app/cmd/phases/upgrade"
	applyphases "k8s.io/kubernetes/cmd/kubeadm/app/cmd/phases/upgrade/apply"
	nodephases "k8s.io/kubernetes/cmd/kubeadm/app/cmd/phases/upgrade/node"
	"k8s.io/kubernetes/cmd/kubeadm/app/cmd/phases/workflow"
)

type Flag struct {
	Name, Shorthand, Type, DefValue, Usage, NoOptDefVal, Deprecated, ShorthandDeprecated string
	Hidden                                                                               bool
}

type Cmd struct {
	Use, Short, Long, Example, Deprecated string
	Aliases                               []string
	Hidden, Runnable, NoFlagsInUseLine    bool
	Local, Persistent, Inherited          []Flag
	Children                              []Cmd
}

type Phase struct {
	Name, Short, Long, Example  string
	Aliases, InheritFlags, Deps []string
	Hidden, RunAllSiblings      bool
	HasRun, HasRunIf, HasArgs   bool
	NoArgs                      bool
	LocalFlags                  []Flag
	Phases                      []Phase
}

func flags(fs *pflag.FlagSet) []Flag {
	out := []Flag{}
	fs.VisitAll(func(f *pflag.Flag) {
		out = append(out, Flag{f.Name, f.Shorthand, f.Value.Type(), f.DefValue, f.Usage, f.NoOptDefVal, f.Deprecated, f.ShorthandDeprecated, f.Hidden})
	})
	return out
}

func walk(c *cobra.Command) Cmd {
	c.InitDefaultHelpFlag()
	r := Cmd{Use: c.Use, Short: c.Short, Long: c.Long, Example: c.Example, Deprecated: c.Deprecated,
		Aliases: c.Aliases, Hidden: c.Hidden, Runnable: c.Runnable(), NoFlagsInUseLine: c.DisableFlagsInUseLine,
		Local: flags(c.LocalFlags()), Persistent: flags(c.PersistentFlags()), Inherited: flags(c.InheritedFlags())}
	for _, s := range c.Commands() {
		r.Children = append(r.Children, walk(s))
	}
	return r
}

func phase(p workflow.Phase) Phase {
	r := Phase{Name: p.Name, Short: p.Short, Long: p.Long, Example: p.Example, Aliases: p.Aliases,
		InheritFlags: p.InheritFlags, Deps: p.Dependencies, Hidden: p.Hidden, RunAllSiblings: p.RunAllSiblings,
		HasRun: p.Run != nil, HasRunIf: p.RunIf != nil, HasArgs: p.ArgsValidator != nil}
	if p.ArgsValidator != nil && reflect.ValueOf(p.ArgsValidator).Pointer() == reflect.ValueOf(cobra.NoArgs).Pointer() {
		r.NoArgs = true
	}
	if p.LocalFlags != nil {
		r.LocalFlags = flags(p.LocalFlags)
	}
	for _, c := range p.Phases {
		r.Phases = append(r.Phases, phase(c))
	}
	return r
}

func main() {
	root := kcmd.NewKubeadmCommand(os.Stdin, os.Stdout, os.Stderr)
	root.InitDefaultHelpCmd()
	out := map[string]interface{}{"root": walk(root)}
	out["init"] = []Phase{phase(initphases.NewPreflightPhase()), phase(initphases.NewCertsPhase()),
		phase(initphases.NewKubeConfigPhase()), phase(initphases.NewEtcdPhase()), phase(initphases.NewControlPlanePhase()),
		phase(initphases.NewKubeletStartPhase()), phase(initphases.NewWaitControlPlanePhase()),
		phase(initphases.NewUploadConfigPhase()), phase(initphases.NewUploadCertsPhase()),
		phase(initphases.NewMarkControlPlanePhase()), phase(initphases.NewBootstrapTokenPhase()),
		phase(initphases.NewKubeletFinalizePhase()), phase(initphases.NewAddonPhase()), phase(initphases.NewShowJoinCommandPhase())}
	out["join"] = []Phase{phase(joinphases.NewPreflightPhase()), phase(joinphases.NewControlPlanePreparePhase()),
		phase(joinphases.NewCheckEtcdPhase()), phase(joinphases.NewKubeletStartPhase()), phase(joinphases.NewEtcdJoinPhase()),
		phase(joinphases.NewKubeletWaitBootstrapPhase()), phase(joinphases.NewControlPlaneJoinPhase()),
		phase(joinphases.NewWaitControlPlanePhase())}
	out["reset"] = []Phase{phase(resetphases.NewPreflightPhase()), phase(resetphases.NewRemoveETCDMemberPhase()),
		phase(resetphases.NewCleanupNodePhase())}
	out["upgrade_apply"] = []Phase{phase(applyphases.NewPreflightPhase()), phase(applyphases.NewControlPlanePhase()),
		phase(applyphases.NewUploadConfigPhase()), phase(applyphases.NewKubeconfigPhase()),
		phase(upgradephases.NewKubeletConfigPhase()), phase(applyphases.NewBootstrapTokenPhase()),
		phase(upgradephases.NewAddonPhase()), phase(upgradephases.NewPostUpgradePhase())}
	out["upgrade_node"] = []Phase{phase(nodephases.NewPreflightPhase()), phase(nodephases.NewControlPlane()),
		phase(nodephases.NewKubeconfigPhase()), phase(upgradephases.NewKubeletConfigPhase()),
		phase(upgradephases.NewAddonPhase()), phase(upgradephases.NewPostUpgradePhase())}
	e := json.NewEncoder(os.Stdout)
	e.SetIndent("", " ")
	_ = e.Encode(out)
}
