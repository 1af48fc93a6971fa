//go:build darwin && !cgo

package auth

import (
	"errors"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// persistentCache: azidentity's cache reaches the macOS keychain only
// through cgo (azidentity/cache's darwin accessor), and release builds are
// CGO_ENABLED=0 cross-compiles. Without it the sign-in is kept in memory
// for the process, as on a host without a keyring (tokenCache says so).
func persistentCache(string) (azidentity.Cache, error) {
	return azidentity.Cache{}, errors.New("this macOS build has no keychain access (built without cgo); sign-ins last until mfadesk exits")
}
