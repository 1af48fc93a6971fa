package config

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// FileError is a problem at one place in the config file.
type FileError struct {
	File         string
	Line, Column int // Column 0: YAML syntax errors only know the line
	// Key is the dotted path ("profiles.contoso.bulk.concurrency"), empty
	// for syntax errors.
	Key string
	Msg string
}

func (e *FileError) Error() string {
	pos := fmt.Sprintf("%s:%d", e.File, e.Line)
	if e.Column > 0 {
		pos += fmt.Sprintf(":%d", e.Column)
	}
	if e.Key != "" {
		return pos + ": " + e.Key + ": " + e.Msg
	}
	return pos + ": " + e.Msg
}

// fileConfig is a parsed, fully checked file.
type fileConfig struct {
	defaultProfile   string
	defaultProfileAt string
	profiles         map[string]*fileProfile
	order            []string
}

type fileProfile struct {
	values []fileValue
}

type fileValue struct {
	s    setting
	node *yaml.Node
	at   string // "config.yaml:12"
}

// apply sets the profile's values on p and records their sources.
func (fp *fileProfile) apply(p *Profile, src map[string]Source) error {
	for _, v := range fp.values {
		if err := setFromNode(p, v.s, v.node); err != nil {
			return err // cannot happen: parseFile applied the same values
		}
		src[v.s.Key] = Source{FromFile, v.at}
	}
	return nil
}

var profileNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`)

// parseFile parses and checks the whole file, every profile, so a mistake
// in a profile not in use today is still reported today.
func parseFile(name string, data []byte) (*fileConfig, error) {
	ferr := func(n *yaml.Node, key, format string, args ...any) error {
		return &FileError{File: name, Line: n.Line, Column: n.Column, Key: key, Msg: fmt.Sprintf(format, args...)}
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return &fileConfig{profiles: map[string]*fileProfile{}}, nil
		}
		return nil, syntaxError(name, data, err)
	}
	var second yaml.Node
	if err := dec.Decode(&second); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, syntaxError(name, data, err)
		}
		return nil, ferr(&second, "", "a second YAML document (---); the config is one document")
	}
	cfg := &fileConfig{profiles: map[string]*fileProfile{}}
	if len(doc.Content) == 0 {
		return cfg, nil
	}
	root := doc.Content[0]
	if err := refuseAliases(name, root); err != nil {
		return nil, err
	}
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return cfg, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, ferr(root, "", "expected a mapping with `defaultProfile:` and `profiles:`, got %s", kindName(root))
	}
	pairs, err := mappingPairs(name, root, "")
	if err != nil {
		return nil, err
	}
	for _, kv := range pairs {
		k, v := kv[0], kv[1]
		switch k.Value {
		case "defaultProfile":
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				return nil, ferr(v, "defaultProfile", "expected a profile name, got %s", kindName(v))
			}
			cfg.defaultProfile = v.Value
			cfg.defaultProfileAt = fmt.Sprintf("%s:%d", name, v.Line)
		case "profiles":
			if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
				continue
			}
			if v.Kind != yaml.MappingNode {
				return nil, ferr(v, "profiles", "expected a mapping of profile names to settings, got %s", kindName(v))
			}
			profs, err := mappingPairs(name, v, "profiles")
			if err != nil {
				return nil, err
			}
			for _, pkv := range profs {
				pk, pv := pkv[0], pkv[1]
				if !profileNameRE.MatchString(pk.Value) || looksSecret(pk.Value) {
					return nil, ferr(pk, "profiles", "profile names are letters, digits, '.', '_' and '-' (at most 64)")
				}
				fp, err := parseProfile(name, pv, "profiles."+pk.Value)
				if err != nil {
					return nil, err
				}
				cfg.profiles[pk.Value] = fp
				cfg.order = append(cfg.order, pk.Value)
			}
		default:
			return nil, unknownKey(name, k, "", []string{"defaultProfile", "profiles"})
		}
	}
	if cfg.defaultProfile != "" {
		if _, ok := cfg.profiles[cfg.defaultProfile]; !ok {
			msg := "no profile named " + quoteSafe(cfg.defaultProfile)
			if s := suggest(cfg.defaultProfile, cfg.order); s != "" {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			// Find the node again for its position.
			for _, kv := range pairs {
				if kv[0].Value == "defaultProfile" {
					return nil, ferr(kv[1], "defaultProfile", "%s", msg)
				}
			}
		}
	}
	return cfg, nil
}

// parseProfile walks one profile's mapping against the settings table.
func parseProfile(name string, n *yaml.Node, path string) (*fileProfile, error) {
	fp := &fileProfile{}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return fp, nil // "contoso:" with nothing under it
	}
	if n.Kind != yaml.MappingNode {
		return nil, &FileError{File: name, Line: n.Line, Column: n.Column, Key: path,
			Msg: "expected a mapping of settings (tenant:, clientId:, ...), got " + kindName(n)}
	}
	scratch := Defaults()
	var walk func(n *yaml.Node, prefix string) error
	walk = func(n *yaml.Node, prefix string) error {
		pairs, err := mappingPairs(name, n, path+trimDot(prefix))
		if err != nil {
			return err
		}
		known := childKeys(prefix)
		for _, kv := range pairs {
			k, v := kv[0], kv[1]
			key := prefix + k.Value
			if s, ok := lookupSetting(key); ok {
				if err := setFromNode(&scratch, s, v); err != nil {
					return &FileError{File: name, Line: v.Line, Column: v.Column, Key: path + "." + key, Msg: err.Error()}
				}
				fp.values = append(fp.values, fileValue{s, v, fmt.Sprintf("%s:%d", name, v.Line)})
				continue
			}
			if slices.Contains(known, k.Value) { // a group: bulk, protected, notify
				if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
					continue
				}
				if v.Kind != yaml.MappingNode {
					return &FileError{File: name, Line: v.Line, Column: v.Column, Key: path + "." + key,
						Msg: "expected a mapping (" + strings.Join(childKeys(key+"."), ", ") + "), got " + kindName(v)}
				}
				if err := walk(v, key+"."); err != nil {
					return err
				}
				continue
			}
			return unknownKey(name, k, path+trimDot(prefix), known)
		}
		return nil
	}
	if err := walk(n, ""); err != nil {
		return nil, err
	}
	return fp, nil
}

func trimDot(prefix string) string {
	if prefix == "" {
		return ""
	}
	return "." + strings.TrimSuffix(prefix, ".")
}

// childKeys lists the next key segment under prefix ("" -> tenant, ...,
// bulk, protected, notify).
func childKeys(prefix string) []string {
	var out []string
	for _, s := range settings {
		rest, ok := strings.CutPrefix(s.Key, prefix)
		if !ok {
			continue
		}
		seg, _, _ := strings.Cut(rest, ".")
		if !slices.Contains(out, seg) {
			out = append(out, seg)
		}
	}
	return out
}

// setFromNode checks and sets one setting from its YAML node. Errors say
// what was expected and never repeat a value that could be a secret.
func setFromNode(p *Profile, s setting, v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode && (v.Tag == "!!null" || v.Value == "") {
		return nil // "tenant:" or tenant: "" left empty keeps the default
	}
	if s.isList() {
		if v.Kind != yaml.SequenceNode {
			return fmt.Errorf("expected %s (one `- item` per line), got %s", s.Expect, kindName(v))
		}
		items := make([]string, 0, len(v.Content))
		for _, it := range v.Content {
			if it.Kind != yaml.ScalarNode || it.Tag == "!!null" {
				return fmt.Errorf("line %d: expected %s, got %s in the list", it.Line, s.Expect, kindName(it))
			}
			if looksSecret(it.Value) {
				return errSecretValue
			}
			items = append(items, it.Value)
		}
		if err := s.setList(p, items); err != nil {
			return badValue(s, firstBad(s, items))
		}
		return nil
	}
	if v.Kind != yaml.ScalarNode {
		return fmt.Errorf("expected %s, got %s", s.Expect, kindName(v))
	}
	if looksSecret(v.Value) {
		return errSecretValue
	}
	if err := s.setScalar(p, v.Value); err != nil {
		return badValue(s, v.Value)
	}
	return nil
}

var errSecretValue = errors.New("this value looks like a secret (client secret, token or private key); secrets never go in the config file: set AZURE_CLIENT_SECRET or secretCommand")

func firstBad(s setting, items []string) string {
	for _, it := range items {
		if s.check != nil && s.check(it) != nil {
			return it
		}
	}
	return ""
}

// quoteSafe quotes v for an error message, or says it is not shown when it
// could be a secret.
func quoteSafe(v string) string {
	if safeToEcho(v) {
		return strconv.Quote(v)
	}
	return "(a value not shown)"
}

func badValue(s setting, v string) error {
	if safeToEcho(v) {
		return fmt.Errorf("expected %s, got %q", s.Expect, v)
	}
	return fmt.Errorf("expected %s (the value given is not shown)", s.Expect)
}

// mappingPairs returns a mapping's key/value pairs, refusing non-scalar and
// duplicate keys, and keys that name a secret.
func mappingPairs(name string, n *yaml.Node, path string) ([][2]*yaml.Node, error) {
	var out [][2]*yaml.Node
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := joinKey(path, k.Value)
		if k.Kind != yaml.ScalarNode {
			return nil, &FileError{File: name, Line: k.Line, Column: k.Column, Key: path, Msg: "keys must be plain words, got " + kindName(k)}
		}
		if line, dup := seen[k.Value]; dup {
			return nil, &FileError{File: name, Line: k.Line, Column: k.Column, Key: key,
				Msg: fmt.Sprintf("appears twice (first at line %d)", line)}
		}
		seen[k.Value] = k.Line
		if secretKey(k.Value) {
			return nil, &FileError{File: name, Line: k.Line, Column: k.Column, Key: key,
				Msg: "secrets are never read from the config file; remove it and set AZURE_CLIENT_SECRET " +
					"(or AZURE_CLIENT_CERTIFICATE_PASSWORD) in the environment, or secretCommand: a command that prints the secret"}
		}
		out = append(out, [2]*yaml.Node{k, v})
	}
	return out, nil
}

func joinKey(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

var secretKeyRE = regexp.MustCompile(`(?i)secret|password|passwd|token|api_?key|private_?key|credential`)

// secretKey spots keys meant to hold a secret; secretCommand is the one
// allowed key that says "secret".
func secretKey(k string) bool {
	return secretKeyRE.MatchString(k) && k != "secretCommand"
}

func unknownKey(name string, k *yaml.Node, path string, known []string) error {
	where := "at the top level"
	if p := strings.TrimPrefix(path, "."); p != "" {
		where = "in " + p
	}
	msg := fmt.Sprintf("unknown key %s %s", quoteSafe(k.Value), where)
	if s := suggest(k.Value, known); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	} else {
		msg += "; known keys: " + strings.Join(known, ", ")
	}
	return &FileError{File: name, Line: k.Line, Column: k.Column, Msg: msg}
}

// suggest returns the candidate closest to s when it is close enough to be
// a typo (same letters in another case, or a small edit distance).
func suggest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return c
		}
		d := levenshtein(strings.ToLower(s), strings.ToLower(c))
		if d < bestD {
			best, bestD = c, d
		}
	}
	if bestD <= 2 || (bestD <= 3 && len(s) >= 8) {
		return best
	}
	return ""
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > 64 || len(rb) > 64 {
		return 1 << 20 // not a typo of a short key; avoid quadratic work
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// refuseAliases: YAML aliases can expand exponentially ("billion laughs")
// and a config file has no use for them.
func refuseAliases(name string, n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		return &FileError{File: name, Line: n.Line, Column: n.Column, Msg: "YAML aliases (*name) are not supported in the config file"}
	}
	for _, c := range n.Content {
		if err := refuseAliases(name, c); err != nil {
			return err
		}
	}
	return nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "nothing"
		case "!!bool":
			return "true/false"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "something else"
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntaxError turns yaml.v3's "yaml: line 3: did not find expected key"
// into a FileError. yaml.v3's scanner messages describe the problem, not
// the text, so they are safe to show. yaml.v3 reports the line where the
// enclosing block starts, which is often line 1; findSyntaxLine narrows it.
func syntaxError(name string, data []byte, err error) error {
	msg := err.Error()
	m := yamlLineRE.FindStringSubmatch(msg)
	if m == nil {
		return &FileError{File: name, Line: 1, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
	}
	line, _ := strconv.Atoi(m[1])
	if l := findSyntaxLine(data, line, m[2]); l > line {
		line = l
	}
	return &FileError{File: name, Line: line, Msg: "invalid YAML: " + m[2] + indentHint(m[2])}
}

// findSyntaxLine returns the first line N (>= from) such that the first N
// lines fail with the same error text while the first N-1 do not: the line
// that broke the file. 0 when not found or the file is too big to bother.
func findSyntaxLine(data []byte, from int, what string) int {
	// Each probe re-parses a prefix: bound the work for hostile input.
	if len(data) > 32<<10 {
		return 0
	}
	lines := strings.SplitAfter(string(data), "\n")
	fails := func(n int) bool {
		var doc yaml.Node
		err := yaml.Unmarshal([]byte(strings.Join(lines[:n], "")), &doc)
		if err == nil {
			return false
		}
		m := yamlLineRE.FindStringSubmatch(err.Error())
		return m != nil && m[2] == what
	}
	for n := max(from, 1); n <= len(lines) && n < from+200; n++ {
		if fails(n) {
			return n
		}
	}
	return 0
}

func indentHint(msg string) string {
	if strings.Contains(msg, "mapping values are not allowed") || strings.Contains(msg, "did not find expected key") {
		return " (check the indentation, and quote values containing ': ')"
	}
	if strings.Contains(msg, "found character that cannot start any token") {
		return " (tabs cannot indent YAML; use spaces)"
	}
	return ""
}
