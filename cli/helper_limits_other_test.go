//go:build !linux

package cli

func applyHelperLimits() {}
