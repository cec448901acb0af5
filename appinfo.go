package payments

import (
	"fmt"
	"strings"
	"unicode"
)

// Version is this library's version. It is sent in the User-Agent of every
// request, so that a provider's support can tell which client sent a
// request, and it is raised with every tagged release.
const Version = "0.1.0"

// UserAgentName is the product name in the User-Agent of every request.
const UserAgentName = "regionpay-payments"

// AppInfo names the application that uses the library. Set in
// HTTPOptions.AppInfo (or OpenOptions.AppInfo for every region), it is added
// to the User-Agent of every request, after the library's own name and
// version, so that a provider sees which app sent it.
type AppInfo struct {
	// Name is the app's name, e.g. "shop-backend". Required.
	Name string
	// Version is the app's version, e.g. "2.3.1". Optional.
	Version string
	// URL is where to learn about the app or reach its team. Optional.
	URL string
}

// Validate reports what keeps info from going into a header: a missing
// name, or a control character or a character that would break the
// User-Agent's syntax in any field.
func (info *AppInfo) Validate() error {
	if info == nil {
		return nil
	}
	if strings.TrimSpace(info.Name) == "" {
		return fmt.Errorf("AppInfo.Name is empty: name the app")
	}
	fields := []struct{ name, v, forbidden string }{
		{"Name", info.Name, " /()"},
		{"Version", info.Version, " /()"},
		{"URL", info.URL, " ()"},
	}
	for _, f := range fields {
		for _, r := range f.v {
			if r > unicode.MaxASCII || unicode.IsControl(r) || strings.ContainsRune(f.forbidden, r) {
				return fmt.Errorf("AppInfo.%s holds %q: use printable ASCII without spaces, parentheses or (except in URL) slashes", f.name, r)
			}
		}
	}
	return nil
}

// String formats info as it appears in the User-Agent: "Name/Version
// (+URL)", leaving out what is empty.
func (info *AppInfo) String() string {
	if info == nil {
		return ""
	}
	s := info.Name
	if info.Version != "" {
		s += "/" + info.Version
	}
	if info.URL != "" {
		s += " (+" + info.URL + ")"
	}
	return s
}
