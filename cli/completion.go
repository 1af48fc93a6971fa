package cli

import "github.com/spf13/cobra"

// completionExamples are the --help examples of cobra's completion
// commands (cobra gives them a Long text only). PowerShell is where most
// helpdesks work, so it comes first.
var completionExamples = map[string]string{
	"completion": "  mfadesk completion powershell | Out-String | Invoke-Expression   # PowerShell, this session\n" +
		"  source <(mfadesk completion bash)                               # bash, this session",
	"powershell": "  mfadesk completion powershell | Out-String | Invoke-Expression\n" +
		"  # every session: add the line above to your profile\n" +
		"  Add-Content $PROFILE 'mfadesk completion powershell | Out-String | Invoke-Expression'",
	"bash": "  source <(mfadesk completion bash)\n" +
		"  mfadesk completion bash | sudo tee /etc/bash_completion.d/mfadesk >/dev/null",
	"zsh":  "  mfadesk completion zsh > \"${fpath[1]}/_mfadesk\"",
	"fish": "  mfadesk completion fish > ~/.config/fish/completions/mfadesk.fish",
}

// addCompletionExamples creates cobra's completion command now (Execute
// would, later) and gives it and its shells examples. cobra binds the
// scripts' writer when it creates the command, so the root's streams are
// set first.
func addCompletionExamples(root *cobra.Command, env *Env) {
	if env.Stdout != nil {
		root.SetOut(env.Stdout)
	}
	if env.Stderr != nil {
		root.SetErr(env.Stderr)
	}
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Example = completionExamples["completion"]
		for _, sh := range c.Commands() {
			sh.Example = completionExamples[sh.Name()]
		}
	}
}
