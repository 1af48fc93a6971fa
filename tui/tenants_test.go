package tui

import (
	"testing"
)

func tenantsDriver(t *testing.T) *driver {
	return newDriver(t, newStub(3), func(o *Options) {
		o.Profile = "contoso"
		o.Profiles = []ProfileChoice{{Name: "contoso", Tenant: "contoso.onmicrosoft.com"},
			{Name: "fabrikam", Tenant: "fabrikam.onmicrosoft.com", ReadOnly: true}}
	})
}

// T lists the profiles, the current one marked; a digit switches: the
// console ends and Run reports the profile chosen.
func TestTenantPickerSwitches(t *testing.T) {
	d := tenantsDriver(t)
	d.key("T")
	d.mustSee("Switch tenant")
	d.mustSee("contoso — contoso.onmicrosoft.com (current)")
	d.mustSee("fabrikam — fabrikam.onmicrosoft.com (read-only)")
	d.key("2")
	if d.m.switchTo != "fabrikam" {
		t.Fatalf("switchTo = %q, want fabrikam", d.m.switchTo)
	}
}

// Letters typed into the picker choose nothing; the current profile is
// not a switch; esc closes.
func TestTenantPickerIgnoresTyping(t *testing.T) {
	d := tenantsDriver(t)
	d.key("T")
	d.typeText("fabrikam please switch")
	if d.m.switchTo != "" {
		t.Fatalf("typing switched to %q", d.m.switchTo)
	}
	d.key("1")
	if d.m.switchTo != "" {
		t.Fatal("choosing the current profile switched")
	}
	d.mustSee("Already on contoso")
}

func TestTenantPickerNeedsTwoProfiles(t *testing.T) {
	d := newDriver(t, newStub(3), nil)
	d.key("T")
	d.mustSee("No other profile to switch to")
}
