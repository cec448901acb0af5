package payments

import "fmt"

// maxShownFieldLen is the longest config field name an error or String
// shows as it is; every known field is far shorter.
const maxShownFieldLen = 40

// shownFieldName returns a config field name as errors and String may show
// it. A name that does not look like one (upper case, symbols, many digits,
// very long) may be a credential pasted in place of a field name, as in
// {"sk_live_51Hx...": "..."}, so only its length is shown.
func shownFieldName(name string) string {
	digits := 0
	ok := name != "" && len(name) <= maxShownFieldLen && name[0] >= 'a' && name[0] <= 'z'
	for i := 0; ok && i < len(name); i++ {
		switch c := name[i]; {
		case c >= 'a' && c <= 'z', c == '_':
		case c >= '0' && c <= '9':
			digits++
		default:
			ok = false
		}
	}
	if ok && digits <= 3 {
		return name
	}
	return fmt.Sprintf("[name hidden: %d bytes, not a plain lower-case field name; it may be a secret]", len(name))
}

// shownFieldNames applies shownFieldName to each name.
func shownFieldNames(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = shownFieldName(n)
	}
	return out
}
