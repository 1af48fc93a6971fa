package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"golang.org/x/sync/singleflight"

	"github.com/mfadesk/mfadesk/config"
)

// interactive is a credential that can sign a user in explicitly and hand
// back who signed in (device code, browser).
type interactive interface {
	azcore.TokenCredential
	Authenticate(context.Context, *policy.TokenRequestOptions) (azidentity.AuthenticationRecord, error)
}

// recorded signs in once, on the first GetToken, saves the
// AuthenticationRecord, and from then on (and on later runs, with the
// persistent cache) gets tokens silently. Concurrent first calls (a bulk
// run's workers) share one sign-in through a singleflight group instead
// of each showing a device code; unlike waiting on a mutex, a caller
// whose context ends (Ctrl-C) stops waiting at once.
type recorded struct {
	cred interactive
	path string

	signIn singleflight.Group
	have   atomic.Bool
}

func newRecorded(cred interactive, path string, have bool) *recorded {
	r := &recorded{cred: cred, path: path}
	r.have.Store(have)
	return r
}

func (r *recorded) GetToken(ctx context.Context, o policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if !r.have.Load() {
		ch := r.signIn.DoChan("sign-in", func() (any, error) {
			if r.have.Load() {
				return nil, nil
			}
			if r.path == "" {
				if _, err := r.cred.GetToken(ctx, o); err != nil {
					return nil, err
				}
			} else {
				// The interactive sign-in is at the credential's own
				// tenant (a partner's, partner.go); tokens for the
				// tenant o names are then asked for silently.
				ao := o
				ao.TenantID = ""
				rec, err := r.cred.Authenticate(ctx, &ao)
				if err != nil {
					return nil, err
				}
				// A record that cannot be saved costs a sign-in next time, nothing more.
				_ = saveRecord(r.path, rec)
			}
			r.have.Store(true)
			return nil, nil
		})
		select {
		case res := <-ch:
			if res.Err != nil {
				return azcore.AccessToken{}, res.Err
			}
		case <-ctx.Done():
			return azcore.AccessToken{}, ctx.Err()
		}
	}
	return r.cred.GetToken(ctx, o)
}

// loadRecord reads the saved record when it belongs to this profile's app
// and tenant.
func loadRecord(path string, p config.Profile, warn func(string)) (azidentity.AuthenticationRecord, bool) {
	var rec azidentity.AuthenticationRecord
	if path == "" {
		return rec, false
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			warn(fmt.Sprintf("cannot read the sign-in record %s: %v; signing in again", path, err))
		}
		return rec, false
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		warn(fmt.Sprintf("the sign-in record %s is unreadable; signing in again", path))
		return azidentity.AuthenticationRecord{}, false
	}
	if !strings.EqualFold(rec.ClientID, p.ClientID) {
		return azidentity.AuthenticationRecord{}, false
	}
	// A tenant given as a GUID must match; a domain cannot be compared.
	if t := signInTenant(p); isGUID(t) && !strings.EqualFold(rec.TenantID, t) {
		return azidentity.AuthenticationRecord{}, false
	}
	return rec, true
}

// saveRecord writes the record atomically with mode 0600. It holds no
// token: authority, client id, account id, tenant and username.
func saveRecord(path string, rec azidentity.AuthenticationRecord) error {
	data, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".auth-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// SignOut forgets the saved sign-in record (cached tokens are then never
// used again: without the record the credential cannot find the account).
func SignOut(recordPath string) error {
	err := os.Remove(recordPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func isGUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// deviceCodeSniffer reads expires_in from the device code response as it
// passes through the pipeline: azidentity's DeviceCodeMessage lacks it,
// and the TUI's countdown needs it.
type deviceCodeSniffer struct {
	mu  sync.Mutex
	exp time.Time
}

func (s *deviceCodeSniffer) Do(req *policy.Request) (*http.Response, error) {
	resp, err := req.Next()
	if err != nil || resp == nil || resp.StatusCode != http.StatusOK ||
		!strings.HasSuffix(req.Raw().URL.Path, "/devicecode") {
		return resp, err
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if rerr != nil {
		return resp, nil
	}
	var v struct {
		ExpiresIn int `json:"expires_in"`
	}
	if json.Unmarshal(body, &v) == nil && v.ExpiresIn > 0 {
		s.mu.Lock()
		s.exp = time.Now().Add(time.Duration(v.ExpiresIn) * time.Second)
		s.mu.Unlock()
	}
	return resp, nil
}

func (s *deviceCodeSniffer) expires() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exp
}

// runCommand runs secretCommand through the shell and returns its standard
// output, trimmed. Its output is never included in an error; standard
// error's last line is (commands say there why they failed).
func runCommand(ctx context.Context, command string) (string, error) {
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		cmd = exec.CommandContext(ctx, "cmd", "/C", command)
	} else {
		cmd = exec.CommandContext(ctx, "/bin/sh", "-c", command)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &limited{w: &stderr, n: 4096}
	if err := cmd.Run(); err != nil {
		msg := err.Error()
		if ctx.Err() != nil {
			msg = "timed out"
		}
		if last := lastLine(stderr.String()); last != "" {
			msg += ": " + last
		}
		return "", errors.New(msg)
	}
	return strings.TrimSpace(stdout.String()), nil
}

type limited struct {
	w io.Writer
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "\n"); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
