package config

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mfadesk/mfadesk/graph"
)

// setting is one leaf of Profile: its dotted key, where it lives in the
// struct, and how a string value is checked.
type setting struct {
	Key   string // "bulk.confirmThreshold"
	index []int
	typ   reflect.Type
	// Env is every environment variable read for it, strongest first.
	Env []string
	// Flag is the flag name without dashes ("bulk-confirm-threshold").
	Flag string
	// Expect says what a value must look like, for errors.
	Expect string
	check  func(string) error
}

var durationType = reflect.TypeFor[Duration]()

// settings is built once from Profile's yaml tags.
var settings = buildSettings()

func buildSettings() []setting {
	var out []setting
	var walk func(t reflect.Type, prefix string, index []int)
	walk = func(t reflect.Type, prefix string, index []int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")[0]
			if tag == "" || tag == "-" {
				continue
			}
			key := prefix + tag
			idx := append(slices.Clone(index), i)
			if f.Type.Kind() == reflect.Struct && f.Type != durationType {
				walk(f.Type, key+".", idx)
				continue
			}
			s := setting{Key: key, index: idx, typ: f.Type,
				Env: []string{"MFADESK_" + snake(key)}, Flag: kebab(key)}
			s.Expect, s.check = rules(key, f.Type)
			s.Env = append(s.Env, azureEnv[key]...)
			out = append(out, s)
		}
	}
	walk(reflect.TypeFor[Profile](), "", nil)
	return out
}

// azureEnv are azidentity's conventions, read after MFADESK_*.
var azureEnv = map[string][]string{
	"tenant":      {"AZURE_TENANT_ID"},
	"clientId":    {"AZURE_CLIENT_ID"},
	"certificate": {"AZURE_CLIENT_CERTIFICATE_PATH"},
}

// Keys lists every setting key in file order ("tenant", ..., "bulk.concurrency", ...).
func Keys() []string {
	keys := make([]string, len(settings))
	for i, s := range settings {
		keys[i] = s.Key
	}
	return keys
}

// FlagName is the flag for a setting key: "clientId" -> "client-id".
func FlagName(key string) string { return kebab(key) }

// EnvName is the MFADESK_ variable for a setting key.
func EnvName(key string) string { return "MFADESK_" + snake(key) }

// Check reports whether v is a valid value for the setting key (as given in
// the environment or a flag: lists comma-separated).
func Check(key, v string) error {
	s, ok := lookupSetting(key)
	if !ok {
		return fmt.Errorf("no setting %q", key)
	}
	p := Defaults()
	if err := s.setString(&p, v); err != nil {
		return valueError(key, s, v)
	}
	return nil
}

func lookupSetting(key string) (setting, bool) {
	for _, s := range settings {
		if s.Key == key {
			return s, true
		}
	}
	return setting{}, false
}

func words(key string) []string {
	var ws []string
	var cur []rune
	for _, r := range key {
		switch {
		case r == '.':
			ws, cur = append(ws, string(cur)), nil
		case unicode.IsUpper(r):
			if len(cur) > 0 {
				ws = append(ws, string(cur))
			}
			cur = []rune{unicode.ToLower(r)}
		default:
			cur = append(cur, r)
		}
	}
	return append(ws, string(cur))
}

func snake(key string) string { return strings.ToUpper(strings.Join(words(key), "_")) }
func kebab(key string) string { return strings.Join(words(key), "-") }

var (
	guidRE   = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	domainRE = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)+$`)
	upnRE    = regexp.MustCompile(`^[^@\s]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+$`)
)

// rules returns what a value of key must look like and a check for one
// scalar (list items are checked one by one).
func rules(key string, t reflect.Type) (string, func(string) error) {
	oneOf := func(vals ...string) (string, func(string) error) {
		exp := "one of " + strings.Join(vals, ", ")
		return exp, func(v string) error {
			if slices.Contains(vals, v) {
				return nil
			}
			return errors.New("not a known value")
		}
	}
	intRange := func(lo, hi int) (string, func(string) error) {
		return fmt.Sprintf("a whole number from %d to %d", lo, hi), func(v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return errors.New("out of range")
			}
			return nil
		}
	}
	switch key {
	case "tenant", "partnerTenant":
		return "a tenant id (GUID) or a verified domain such as contoso.onmicrosoft.com", func(v string) error {
			if guidRE.MatchString(v) || domainRE.MatchString(v) {
				return nil
			}
			return errors.New("not a tenant id or domain")
		}
	case "clientId", "managedIdentityClientId":
		return "an application (client) id, a GUID", matchGUID
	case "auth":
		vals := make([]string, len(AuthModes))
		for i, m := range AuthModes {
			vals[i] = string(m)
		}
		return oneOf(vals...)
	case "cloud":
		vals := make([]string, len(Clouds))
		for i, c := range Clouds {
			vals[i] = string(c)
		}
		return oneOf(vals...)
	case "graphEndpoint", "authorityHost":
		return "an https:// URL (http:// only for localhost)", checkURL
	case "certificate", "secretCommand":
		return "a non-empty string", func(v string) error {
			if strings.TrimSpace(v) == "" {
				return errors.New("empty")
			}
			return nil
		}
	case "keepOnReset":
		var kinds []string
		for _, k := range graph.AllKinds {
			if k != graph.KindPassword {
				kinds = append(kinds, string(k))
			}
		}
		exp, check := oneOf(kinds...)
		return "a list of method kinds, each " + exp, check
	case "signInWindow":
		return "a duration from 1h to 30d, like 7d or 36h", func(v string) error {
			d, err := parseDuration(v)
			if err != nil || d.Duration < time.Hour || d.Duration > 30*24*time.Hour {
				return errors.New("bad duration")
			}
			return nil
		}
	case "bulk.confirmThreshold":
		return intRange(1, 1_000_000)
	case "bulk.concurrency":
		// Graph's directory write budget is per app per tenant; more
		// parallelism than this only buys 429s.
		return intRange(1, 16)
	case "protected.users":
		return "a list of user principal names or object ids", func(v string) error {
			if guidRE.MatchString(v) || upnRE.MatchString(v) {
				return nil
			}
			return errors.New("not a UPN or object id")
		}
	case "protected.groups":
		return "a list of group object ids (GUIDs; names are ambiguous)", matchGUID
	case "notify.sender":
		return "a mailbox address (UPN)", func(v string) error {
			if upnRE.MatchString(v) {
				return nil
			}
			return errors.New("not an address")
		}
	case "theme":
		return oneOf("auto", "dark", "light")
	}
	switch t.Kind() {
	case reflect.Bool:
		return "true or false", func(v string) error {
			_, err := parseBool(v)
			return err
		}
	case reflect.Slice:
		return "a list of strings", nil
	}
	return "a string", nil
}

func matchGUID(v string) error {
	if guidRE.MatchString(v) {
		return nil
	}
	return errors.New("not a GUID")
}

func checkURL(v string) error {
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || u.User != nil {
		return errors.New("not a URL")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		// Plain http would send the bearer token in the clear; only a
		// loopback test server may use it.
		h := u.Hostname()
		if h == "localhost" || h == "127.0.0.1" || h == "::1" {
			return nil
		}
	}
	return errors.New("not https")
}

// parseBool accepts YAML's and environment variables' usual spellings.
func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true, nil
	case "false", "no", "off", "0", "":
		return false, nil
	}
	return false, errors.New("not a boolean")
}

// field returns the settable field of p for s.
func (s setting) field(p *Profile) reflect.Value {
	return reflect.ValueOf(p).Elem().FieldByIndex(s.index)
}

// setScalar sets a non-list setting from its string form.
func (s setting) setScalar(p *Profile, v string) error {
	if s.check != nil {
		if err := s.check(v); err != nil {
			return err
		}
	}
	f := s.field(p)
	switch {
	case s.typ == durationType:
		d, err := parseDuration(v)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(d))
	case s.typ.Kind() == reflect.String:
		f.SetString(v)
	case s.typ.Kind() == reflect.Bool:
		b, err := parseBool(v)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case s.typ.Kind() == reflect.Int:
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return errors.New("not a number")
		}
		f.SetInt(int64(n))
	default:
		return fmt.Errorf("internal: %s is a %s", s.Key, s.typ)
	}
	return nil
}

// setList sets a list setting (each item checked).
func (s setting) setList(p *Profile, items []string) error {
	f := s.field(p)
	out := reflect.MakeSlice(s.typ, 0, len(items))
	for _, it := range items {
		if s.check != nil {
			if err := s.check(it); err != nil {
				return err
			}
		}
		out = reflect.Append(out, reflect.ValueOf(it).Convert(s.typ.Elem()))
	}
	f.Set(out)
	return nil
}

func (s setting) isList() bool { return s.typ.Kind() == reflect.Slice }

// setString sets from an environment variable or flag: lists are
// comma-separated (verificationChecklist lines are separated by "|", as
// they may contain commas).
func (s setting) setString(p *Profile, v string) error {
	if !s.isList() {
		return s.setScalar(p, v)
	}
	sep := ","
	if s.Key == "verificationChecklist" {
		sep = "|"
	}
	var items []string
	for it := range strings.SplitSeq(v, sep) {
		if it = strings.TrimSpace(it); it != "" {
			items = append(items, it)
		}
	}
	return s.setList(p, items)
}

// display renders a value for `config show`.
func (s setting) display(p *Profile) string {
	f := s.field(p)
	if s.isList() {
		parts := make([]string, f.Len())
		for i := range f.Len() {
			parts[i] = fmt.Sprint(f.Index(i).Interface())
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(f.Interface())
}
