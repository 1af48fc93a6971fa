package fake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// obj is a JSON object that keeps its keys in the order they were added, so
// the fake's responses read like Graph's (id first, @odata.* on top).
type obj []kv

type kv struct {
	k string
	v any
}

func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(f.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func (o obj) get(k string) (any, bool) {
	for _, f := range o {
		if f.k == k {
			return f.v, true
		}
	}
	return nil, false
}

// project keeps only the selected keys (and every @odata.* annotation).
func (o obj) project(sel []string) obj {
	if len(sel) == 0 {
		return o
	}
	out := make(obj, 0, len(sel)+1)
	for _, f := range o {
		if strings.HasPrefix(f.k, "@odata.") {
			out = append(out, f)
			continue
		}
		for _, s := range sel {
			if strings.EqualFold(s, f.k) {
				out = append(out, f)
				break
			}
		}
	}
	return out
}

// gtime formats a time the way Graph does (UTC, RFC 3339, "Z"); the zero
// time is JSON null.
func gtime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// nullable turns "" into JSON null, as Graph sends unset strings.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// ---------------------------------------------------------------------------
// $filter: a small OData expression parser covering the forms mfadesk and the
// usual scripts send: eq/ne/gt/ge/lt/le, in (...), startswith/endswith,
// lambda any(x: ...), and/or/not, parentheses. String literals escape ' as ''.

type filterError struct{ msg string }

func (e *filterError) Error() string { return e.msg }

func ferr(format string, a ...any) error {
	return &filterError{"Invalid filter clause: " + fmt.Sprintf(format, a...)}
}

type tokKind int

const (
	tEOF tokKind = iota
	tWord
	tString
	tLParen
	tRParen
	tComma
	tColon
	tSlash
)

type token struct {
	kind tokKind
	text string
	pos  int
}

// punctTokens are the one-character tokens of a filter.
var punctTokens = map[byte]tokKind{'(': tLParen, ')': tRParen, ',': tComma, ':': tColon, '/': tSlash}

func lexFilter(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case punctTokens[c] != tEOF:
			out = append(out, token{punctTokens[c], string(c), i})
			i++
		case c == '\'':
			start := i
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, ferr("Syntax error: unterminated string literal at position %d in '%s'.", start, s)
			}
			out = append(out, token{tString, b.String(), start})
		case c >= '0' && c <= '9' || c == '-':
			// numbers, datetimes (2026-01-02T03:04:05.5Z), unquoted guids
			start := i
			for i < len(s) && (isWordByte(s[i]) || s[i] == ':' || s[i] == '-' || s[i] == '+') {
				i++
			}
			out = append(out, token{tWord, s[start:i], start})
		case isWordByte(c):
			start := i
			for i < len(s) && isWordByte(s[i]) {
				i++
			}
			out = append(out, token{tWord, s[start:i], start})
		default:
			return nil, ferr("Syntax error: character '%c' is not valid at position %d in '%s'.", c, i, s)
		}
	}
	out = append(out, token{tEOF, "", len(s)})
	return out, nil
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c == '$' || c == '@' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// node is a parsed filter expression.
type node struct {
	op    string // and, or, not, eq, ne, gt, ge, lt, le, in, startswith, endswith, any, all
	path  []string
	lit   any   // string, bool, float64, time.Time, nil
	list  []any // for in
	kids  []*node
	vname string // lambda variable
}

type fparser struct {
	toks []token
	i    int
	src  string
}

func parseFilter(s string) (*node, error) {
	toks, err := lexFilter(s)
	if err != nil {
		return nil, err
	}
	p := &fparser{toks: toks, src: s}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, ferr("Syntax error at position %d in '%s'.", p.peek().pos, s)
	}
	return n, nil
}

func (p *fparser) peek() token { return p.toks[p.i] }
func (p *fparser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}
func (p *fparser) isWord(w string) bool {
	t := p.peek()
	return t.kind == tWord && strings.EqualFold(t.text, w)
}
func (p *fparser) expect(k tokKind, what string) error {
	t := p.next()
	if t.kind != k {
		return ferr("Syntax error: expected %s at position %d in '%s'.", what, t.pos, p.src)
	}
	return nil
}

func (p *fparser) or() (*node, error) { return p.chain("or", p.and) }

func (p *fparser) and() (*node, error) { return p.chain("and", p.unary) }

// chain parses operand (op operand)*, left-associative.
func (p *fparser) chain(op string, operand func() (*node, error)) (*node, error) {
	l, err := operand()
	if err != nil {
		return nil, err
	}
	for p.isWord(op) {
		p.next()
		r, err := operand()
		if err != nil {
			return nil, err
		}
		l = &node{op: op, kids: []*node{l, r}}
	}
	return l, nil
}

func (p *fparser) unary() (*node, error) {
	if p.isWord("not") {
		p.next()
		k, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &node{op: "not", kids: []*node{k}}, nil
	}
	return p.primary()
}

func (p *fparser) primary() (*node, error) {
	t := p.peek()
	if t.kind == tLParen {
		p.next()
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		return n, nil
	}
	if t.kind != tWord {
		return nil, ferr("Syntax error at position %d in '%s'.", t.pos, p.src)
	}
	// function call: startswith(path, 'x')
	if fn := strings.ToLower(t.text); (fn == "startswith" || fn == "endswith") && p.toks[p.i+1].kind == tLParen {
		p.next()
		p.next()
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tComma, "','"); err != nil {
			return nil, err
		}
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		if _, ok := lit.(string); !ok {
			return nil, ferr("%s expects a string literal.", fn)
		}
		return &node{op: fn, path: path, lit: lit}, nil
	}
	path, err := p.path()
	if err != nil {
		return nil, err
	}
	// lambda: path/any(v: expr)
	if last := strings.ToLower(path[len(path)-1]); (last == "any" || last == "all") && p.peek().kind == tLParen && len(path) > 1 {
		p.next()
		v := p.next()
		if v.kind != tWord {
			return nil, ferr("Syntax error: expected a lambda variable at position %d in '%s'.", v.pos, p.src)
		}
		if err := p.expect(tColon, "':'"); err != nil {
			return nil, err
		}
		body, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		return &node{op: last, path: path[:len(path)-1], vname: v.text, kids: []*node{body}}, nil
	}
	opTok := p.next()
	if opTok.kind != tWord {
		return nil, ferr("Syntax error: expected an operator at position %d in '%s'.", opTok.pos, p.src)
	}
	op := strings.ToLower(opTok.text)
	switch op {
	case "eq", "ne", "gt", "ge", "lt", "le":
		lit, err := p.literal()
		if err != nil {
			return nil, err
		}
		return &node{op: op, path: path, lit: lit}, nil
	case "in":
		if err := p.expect(tLParen, "'('"); err != nil {
			return nil, err
		}
		var list []any
		for {
			lit, err := p.literal()
			if err != nil {
				return nil, err
			}
			list = append(list, lit)
			if p.peek().kind == tComma {
				p.next()
				continue
			}
			break
		}
		if err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		return &node{op: "in", path: path, list: list}, nil
	}
	return nil, ferr("Syntax error: unknown operator '%s' at position %d in '%s'.", opTok.text, opTok.pos, p.src)
}

func (p *fparser) path() ([]string, error) {
	t := p.next()
	if t.kind != tWord {
		return nil, ferr("Syntax error: expected a property at position %d in '%s'.", t.pos, p.src)
	}
	path := []string{t.text}
	for p.peek().kind == tSlash {
		p.next()
		t := p.next()
		if t.kind != tWord {
			return nil, ferr("Syntax error: expected a property at position %d in '%s'.", t.pos, p.src)
		}
		path = append(path, t.text)
	}
	return path, nil
}

func (p *fparser) literal() (any, error) {
	t := p.next()
	switch t.kind {
	case tString:
		return t.text, nil
	case tWord:
		switch strings.ToLower(t.text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "null":
			return nil, nil
		}
		if f, err := strconv.ParseFloat(t.text, 64); err == nil {
			return f, nil
		}
		if tm, err := time.Parse(time.RFC3339Nano, t.text); err == nil {
			return tm, nil
		}
		if len(t.text) == 36 && strings.Count(t.text, "-") == 4 {
			return t.text, nil // unquoted guid
		}
	}
	return nil, ferr("Syntax error: '%s' at position %d is not a valid literal in '%s'.", t.text, t.pos, p.src)
}

// ptype is a property's type in a filter schema.
type ptype int

const (
	pString ptype = iota + 1
	pBool
	pTime
	pNumber
	pStrColl // collection of strings (lambda variable is the string)
	pObjColl // collection of objects
	pObj     // complex property (path continues)
)

// schema describes what a $filter may name on one entity type.
type schema struct {
	typeName string
	props    map[string]ptype
	sub      map[string]*schema // for pObj and pObjColl
	// ops, where set, is what the collection's reference page documents as
	// filterable: property path -> space-separated operators ("eq le ge",
	// "any" on a collection; "coll/$it" is a string collection's lambda
	// body, "coll/prop" an object collection's). A property or operator not
	// listed is refused, as Graph refuses it.
	ops map[string]string
}

// entity is what a filter is evaluated against.
type entity interface {
	field(name string) any // string, bool, float64, int, time.Time, []string, []entity, entity, nil
}

// check validates the filter against the schema before any entity is seen,
// so an unknown property fails even on an empty collection.
func (n *node) check(s *schema, vars map[string]*schema) error {
	switch n.op {
	case "and", "or", "not":
		for _, k := range n.kids {
			if err := k.check(s, vars); err != nil {
				return err
			}
		}
		return nil
	case "any", "all":
		pt, sub, err := resolve(n.path, s, vars)
		if err != nil {
			return err
		}
		nv := map[string]*schema{}
		for k, v := range vars {
			nv[k] = v
		}
		switch pt {
		case pStrColl:
			nv[n.vname] = nil
		case pObjColl:
			nv[n.vname] = sub
		default:
			return ferr("Any/All may only be used following a collection.")
		}
		return n.kids[0].check(s, nv)
	}
	pt, _, err := resolve(n.path, s, vars)
	if err != nil {
		return err
	}
	if pt == pObj || pt == pObjColl || pt == pStrColl {
		return ferr("The property '%s' cannot be compared directly.", strings.Join(n.path, "/"))
	}
	return nil
}

// checkOps refuses clauses the collection does not document (s.ops);
// vars maps lambda variables to their collection's path.
func (n *node) checkOps(s *schema, vars map[string]string) error {
	switch n.op {
	case "and", "or":
		for _, k := range n.kids {
			if err := k.checkOps(s, vars); err != nil {
				return err
			}
		}
		return nil
	case "not":
		return ferr("'not' is not supported on %s.", s.typeName)
	}
	key := opsKey(n.path, vars)
	if !slices.Contains(strings.Fields(s.ops[key]), n.op) {
		return &filterError{fmt.Sprintf("Unsupported or invalid query filter clause specified for property '%s' of resource '%s' (operator '%s').",
			key, strings.TrimPrefix(s.typeName, "microsoft.graph."), n.op)}
	}
	if n.op == "any" || n.op == "all" {
		nv := map[string]string{n.vname: key}
		for k, v := range vars {
			if k != n.vname {
				nv[k] = v
			}
		}
		return n.kids[0].checkOps(s, nv)
	}
	return nil
}

// opsKey spells a filter path as s.ops does: canonical property names
// joined by "/", a lambda variable replaced by its collection's path
// ("$it" when the variable itself is compared).
func opsKey(path []string, vars map[string]string) string {
	var parts []string
	rest := path
	if coll, ok := vars[path[0]]; ok {
		parts = append(parts, coll)
		if rest = path[1:]; len(rest) == 0 {
			parts = append(parts, "$it")
		}
	}
	for _, p := range rest {
		parts = append(parts, canonAny(p))
	}
	return strings.Join(parts, "/")
}

// mentions reports whether the filter names the top-level property prop.
func (n *node) mentions(prop string) bool {
	if n == nil {
		return false
	}
	if len(n.path) > 0 && strings.EqualFold(n.path[0], prop) {
		return true
	}
	for _, k := range n.kids {
		if k.mentions(prop) {
			return true
		}
	}
	return false
}

func resolve(path []string, s *schema, vars map[string]*schema) (ptype, *schema, error) {
	cur := s
	start := 0
	if vs, ok := vars[path[0]]; ok {
		if vs == nil { // string collection variable
			if len(path) > 1 {
				return 0, nil, ferr("Could not find a property named '%s'.", path[1])
			}
			return pString, nil, nil
		}
		cur = vs
		start = 1
		if len(path) == 1 {
			return pObj, vs, nil
		}
	}
	for i := start; i < len(path); i++ {
		pt, ok := lookupProp(cur, path[i])
		if !ok {
			return 0, nil, ferr("Could not find a property named '%s' on type '%s'.", path[i], cur.typeName)
		}
		if i == len(path)-1 {
			return pt, cur.sub[canonProp(cur, path[i])], nil
		}
		if pt != pObj {
			return 0, nil, ferr("Could not find a property named '%s'.", path[i+1])
		}
		cur = cur.sub[canonProp(cur, path[i])]
	}
	return 0, nil, ferr("empty property path")
}

func lookupProp(s *schema, name string) (ptype, bool) {
	pt, ok := s.props[canonProp(s, name)]
	return pt, ok
}

// canonProp is the schema's own spelling of a property named in any case
// (name itself when the schema has no such property).
func canonProp(s *schema, name string) string {
	if _, ok := s.props[name]; ok {
		return name
	}
	for k := range s.props {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return name
}

func (n *node) eval(e entity, s *schema, env map[string]any) bool {
	switch n.op {
	case "and":
		return n.kids[0].eval(e, s, env) && n.kids[1].eval(e, s, env)
	case "or":
		return n.kids[0].eval(e, s, env) || n.kids[1].eval(e, s, env)
	case "not":
		return !n.kids[0].eval(e, s, env)
	case "any", "all":
		coll := value(n.path, e, s, env)
		var items []any
		switch c := coll.(type) {
		case []string:
			for _, x := range c {
				items = append(items, x)
			}
		case []entity:
			for _, x := range c {
				items = append(items, x)
			}
		}
		all := n.op == "all"
		for _, it := range items {
			nenv := map[string]any{n.vname: it}
			for k, v := range env {
				if k != n.vname {
					nenv[k] = v
				}
			}
			ok := n.kids[0].eval(e, s, nenv)
			if ok && !all {
				return true
			}
			if !ok && all {
				return false
			}
		}
		return all
	case "startswith", "endswith":
		v, _ := value(n.path, e, s, env).(string)
		lit := strings.ToLower(n.lit.(string))
		if n.op == "startswith" {
			return strings.HasPrefix(strings.ToLower(v), lit)
		}
		return strings.HasSuffix(strings.ToLower(v), lit)
	case "in":
		v := value(n.path, e, s, env)
		for _, l := range n.list {
			if compare(v, l) == 0 {
				return true
			}
		}
		return false
	}
	v := value(n.path, e, s, env)
	c := compare(v, n.lit)
	switch n.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c == 1
	case "ge":
		return c == 1 || c == 0
	case "lt":
		return c == -1
	case "le":
		return c == -1 || c == 0
	}
	return false
}

func value(path []string, e entity, s *schema, env map[string]any) any {
	var cur any = e
	start := 0
	if v, ok := env[path[0]]; ok {
		cur = v
		start = 1
	}
	for i := start; i < len(path); i++ {
		ent, ok := cur.(entity)
		if !ok {
			return nil
		}
		name := path[i]
		if s != nil {
			name = canonAny(name)
		}
		cur = ent.field(name)
	}
	return cur
}

// canonAny maps a case-insensitive property name to the canonical camelCase
// name the entities answer to.
func canonAny(name string) string {
	if c, ok := canonNames[strings.ToLower(name)]; ok {
		return c
	}
	return name
}

var canonNames = map[string]string{}

func registerSchema(s *schema) *schema {
	for k, pt := range s.props {
		canonNames[strings.ToLower(k)] = k
		if sub := s.sub[k]; sub != nil && (pt == pObj || pt == pObjColl) {
			registerSchema(sub)
		}
	}
	return s
}

// compare returns -1, 0, 1, or 2 when the values are not comparable.
func compare(v, lit any) int {
	switch x := v.(type) {
	case nil:
		if lit == nil {
			return 0
		}
		if s, ok := lit.(string); ok && s == "" {
			return 0
		}
		return 2
	case string:
		l, ok := lit.(string)
		if !ok {
			if lit == nil && x == "" {
				return 0
			}
			return 2
		}
		return cmpInt(strings.Compare(strings.ToLower(x), strings.ToLower(l)))
	case bool:
		l, ok := lit.(bool)
		if !ok {
			return 2
		}
		if x == l {
			return 0
		}
		if !x {
			return -1
		}
		return 1
	case int:
		return compare(float64(x), lit)
	case float64:
		l, ok := lit.(float64)
		if !ok {
			return 2
		}
		switch {
		case x < l:
			return -1
		case x > l:
			return 1
		}
		return 0
	case time.Time:
		l, ok := lit.(time.Time)
		if !ok {
			return 2
		}
		return x.Compare(l)
	}
	return 2
}

func cmpInt(c int) int {
	if c < 0 {
		return -1
	}
	if c > 0 {
		return 1
	}
	return 0
}

// topEq finds a top-level (and-chained) `prop eq 'x'` clause, so handlers can
// answer the common exact lookups from an index instead of scanning.
func (n *node) topEq(prop string) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.op {
	case "and":
		if v, ok := n.kids[0].topEq(prop); ok {
			return v, ok
		}
		return n.kids[1].topEq(prop)
	case "eq":
		if len(n.path) == 1 && strings.EqualFold(n.path[0], prop) {
			s, ok := n.lit.(string)
			return s, ok
		}
	case "any":
		// targetResources/any(t:t/id eq 'x')
		if len(n.path) == 1 && strings.EqualFold(n.path[0]+"/id", prop) {
			b := n.kids[0]
			if b.op == "eq" && len(b.path) == 2 && b.path[0] == n.vname && strings.EqualFold(b.path[1], "id") {
				s, ok := b.lit.(string)
				return s, ok
			}
		}
	}
	return "", false
}

// ---------------------------------------------------------------------------
// $search on directory objects: `"displayName:al" OR "mail:al"`. Clauses are
// double-quoted property:term pairs joined by AND / OR (AND binds tighter);
// a " inside a term is escaped as \" and a backslash as \\.

type searchNode struct {
	op   string // and, or, term
	prop string
	term string
	kids []*searchNode
}

func parseSearch(s string, props map[string]bool) (*searchNode, error) {
	type stok struct {
		kind int // 0 eof, 1 clause, 2 AND, 3 OR, 4 (, 5 )
		text string
	}
	var toks []stok
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '(':
			toks = append(toks, stok{4, "("})
			i++
		case c == ')':
			toks = append(toks, stok{5, ")"})
			i++
		case c == '"':
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				if s[i] == '\\' && i+1 < len(s) {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if s[i] == '"' {
					closed = true
					i++
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("Syntax error: unterminated quoted string in $search.")
			}
			toks = append(toks, stok{1, b.String()})
		default:
			start := i
			for i < len(s) && s[i] != ' ' && s[i] != '(' && s[i] != ')' && s[i] != '"' {
				i++
			}
			w := s[start:i]
			switch w {
			case "AND":
				toks = append(toks, stok{2, w})
			case "OR":
				toks = append(toks, stok{3, w})
			default:
				return nil, fmt.Errorf("Syntax error: character '%s' is not valid at position %d in '%s'. Each clause of $search must be in double quotes.", w, start, s)
			}
		}
	}
	toks = append(toks, stok{0, ""})
	pos := 0
	var orF, prim func() (*searchNode, error)
	prim = func() (*searchNode, error) {
		t := toks[pos]
		switch t.kind {
		case 4:
			pos++
			n, err := orF()
			if err != nil {
				return nil, err
			}
			if toks[pos].kind != 5 {
				return nil, fmt.Errorf("Syntax error: missing ')' in $search.")
			}
			pos++
			return n, nil
		case 1:
			pos++
			prop, term, ok := strings.Cut(t.text, ":")
			if !ok {
				return nil, fmt.Errorf("Syntax error: $search clause '%s' must be in the form \"property:value\".", t.text)
			}
			if !props[prop] {
				return nil, fmt.Errorf("Unsupported or invalid query filter clause specified for property '%s' of resource 'User'.", prop)
			}
			return &searchNode{op: "term", prop: prop, term: term}, nil
		}
		return nil, fmt.Errorf("Syntax error in $search at token %d.", pos)
	}
	// chain parses operand (op operand)*, left-associative; op is the
	// token kind (2 AND, 3 OR).
	chain := func(kind int, op string, operand func() (*searchNode, error)) func() (*searchNode, error) {
		return func() (*searchNode, error) {
			l, err := operand()
			if err != nil {
				return nil, err
			}
			for toks[pos].kind == kind {
				pos++
				r, err := operand()
				if err != nil {
					return nil, err
				}
				l = &searchNode{op: op, kids: []*searchNode{l, r}}
			}
			return l, nil
		}
	}
	orF = chain(3, "or", chain(2, "and", prim))
	n, err := orF()
	if err != nil {
		return nil, err
	}
	if toks[pos].kind != 0 {
		return nil, fmt.Errorf("Syntax error in $search: unexpected '%s'.", toks[pos].text)
	}
	return n, nil
}

func (n *searchNode) match(get func(prop string) string) bool {
	switch n.op {
	case "and":
		return n.kids[0].match(get) && n.kids[1].match(get)
	case "or":
		return n.kids[0].match(get) || n.kids[1].match(get)
	}
	return searchMatch(get(n.prop), n.term)
}

// searchMatch follows Graph's tokenized search on directory objects: the
// value is split into words (on spaces, symbols and camelCase changes) and
// every word of the term must be a prefix of some word of the value. A plain
// prefix of the whole value also matches (e.g. "bob.ob" on a UPN).
func searchMatch(value, term string) bool {
	if value == "" {
		return false
	}
	lv, lt := strings.ToLower(value), strings.ToLower(term)
	if lt == "" {
		return true
	}
	if strings.HasPrefix(lv, lt) {
		return true
	}
	tt := tokenize(term, false)
	if len(tt) == 0 {
		return false
	}
	vt := tokenize(value, true)
	for _, t := range tt {
		found := false
		for _, v := range vt {
			if strings.HasPrefix(v, t) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func tokenize(s string, camel bool) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush()
			continue
		}
		if camel && i > 0 && unicode.IsUpper(r) && unicode.IsLower(rs[i-1]) {
			// "McDonald": keep the whole word too
			out = append(out, strings.ToLower(string(cur)+string(rs[i:wordEnd(rs, i)])))
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

func wordEnd(rs []rune, i int) int {
	for i < len(rs) && (unicode.IsLetter(rs[i]) || unicode.IsDigit(rs[i])) {
		i++
	}
	return i
}
