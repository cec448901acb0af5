package transport

import (
	"bytes"
	"encoding/json"
)

// Member returns the bytes of the value reached from the JSON object data
// through keys, one object level per key (Member(body, "data", "order")), or
// nil when there is none. It does not decode: it skips over strings and
// nesting, so an adapter that has decoded an answer once can hand out the
// part it describes (Payment.Raw) as a slice of the bytes already read,
// without a second decoding pass or a copy.
//
// Keys match as encoding/json matches a struct field (ignoring case, the last
// of duplicate keys wins), so the bytes are the ones the decoder used. data
// should be valid JSON: decode it first.
func Member(data []byte, keys ...string) []byte {
	if len(keys) == 0 {
		return nil
	}
	v, _ := memberAt(data, skipSpace(data, 0), keys)
	return v
}

// memberAt looks for the path keys in the object starting at data[i], in
// one scan: a matching member is searched while it is skipped. It returns
// what it found (nil for nothing) and the index just past the value at i.
func memberAt(data []byte, i int, keys []string) ([]byte, int) {
	if i >= len(data) || data[i] != '{' {
		return nil, valueEnd(data, i)
	}
	var found []byte
	for i = skipSpace(data, i+1); i < len(data) && data[i] == '"'; {
		end, closed := stringEnd(data, i)
		if !closed {
			return found, len(data)
		}
		name := data[i:end]
		if i = skipSpace(data, end); i >= len(data) || data[i] != ':' {
			return found, i
		}
		i = skipSpace(data, i+1)
		var vend int
		switch {
		case !sameKey(name, keys[0]):
			vend = valueEnd(data, i)
		case len(keys) == 1:
			vend = valueEnd(data, i)
			found = data[i:vend]
		default:
			found, vend = memberAt(data, i, keys[1:])
		}
		if vend <= i {
			return found, vend
		}
		if i = skipSpace(data, vend); i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	if i < len(data) && data[i] == '}' {
		i++
	}
	return found, i
}

// sameKey compares a quoted JSON key with a field name as encoding/json does.
func sameKey(quoted []byte, key string) bool {
	raw := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(raw, '\\') < 0 {
		return bytes.EqualFold(raw, []byte(key))
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return false
	}
	return bytes.EqualFold([]byte(s), []byte(key))
}
