//go:build !darwin || cgo

package auth

import (
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity/cache"
)

// persistentCache is azidentity's encrypted token cache (keyring, DPAPI or
// the macOS keychain).
func persistentCache(name string) (azidentity.Cache, error) {
	return cache.New(&cache.Options{Name: name})
}
