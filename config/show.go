package config

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/mfadesk/mfadesk/graph"
)

// Entry is one line of `config show`.
type Entry struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Source Source `json:"source"`
}

// Entries lists every setting's effective value and source, then the
// secrets, redacted ("[redacted]" when set, empty when not).
func (l *Loaded) Entries() []Entry {
	p := l.Profile
	out := make([]Entry, 0, len(settings)+3)
	for _, s := range settings {
		out = append(out, Entry{s.Key, graph.CleanText(s.display(&p)), l.SourceOf(s.Key)})
	}
	out = append(out,
		Entry{"clientSecret", p.ClientSecret.String(), l.SourceOf("clientSecret")},
		Entry{"certificatePassword", p.CertificatePassword.String(), l.SourceOf("certificatePassword")},
	)
	return out
}

// WriteText prints the effective configuration for people.
func (l *Loaded) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	found := ""
	if !l.FileFound {
		found = "  (not found)"
	}
	fmt.Fprintf(tw, "config\t%s%s\n", graph.CleanText(l.Path), found)
	fmt.Fprintf(tw, "profile\t%s\t%s\n", graph.CleanText(l.Profile.Name), l.SourceOf("profile"))
	if len(l.Profiles) > 1 {
		fmt.Fprintf(tw, "profiles\t%s\n", graph.CleanText(strings.Join(l.Profiles, ", ")))
	}
	e := l.Profile.Endpoints()
	fmt.Fprintf(tw, "endpoints\tauthority %s, graph %s\n", graph.CleanText(e.AuthorityHost), graph.CleanText(e.Graph))
	fmt.Fprintln(tw)
	for _, en := range l.Entries() {
		v := en.Value
		if strings.Contains(v, "\n") {
			v = strings.ReplaceAll(v, "\n", `\n`)
		}
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", en.Key, v, en.Source)
	}
	for _, warn := range l.Warnings {
		fmt.Fprintf(tw, "\nwarning: %s\n", graph.CleanText(warn))
	}
	return tw.Flush()
}

// ShowDoc is `config show --output json`.
type ShowDoc struct {
	Path      string    `json:"path"`
	FileFound bool      `json:"fileFound"`
	Profile   string    `json:"profile"`
	Profiles  []string  `json:"profiles"`
	Endpoints Endpoints `json:"endpoints"`
	Settings  []Entry   `json:"settings"`
	Warnings  []string  `json:"warnings"`
}

// Doc is the effective configuration as a document, secrets redacted.
func (l *Loaded) Doc() ShowDoc {
	return ShowDoc{l.Path, l.FileFound, l.Profile.Name, l.Profiles, l.Profile.Endpoints(), l.Entries(), l.Warnings}
}

// WriteJSON prints the effective configuration for scripts.
func (l *Loaded) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(l.Doc())
}
