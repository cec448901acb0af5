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
	v := data
	for _, k := range keys {
		var ok bool
		if v, ok = member(v, k); !ok {
			return nil
		}
	}
	return v
}

// member finds key among the members of the object that data holds.
func member(data []byte, key string) ([]byte, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return nil, false
	}
	var found []byte
	ok := false
	for i = skipSpace(data, i+1); i < len(data) && data[i] == '"'; {
		end, closed := stringEnd(data, i)
		if !closed {
			break
		}
		name := data[i:end]
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			break
		}
		i = skipSpace(data, i+1)
		vend := valueEnd(data, i)
		if vend <= i {
			break
		}
		if sameKey(name, key) {
			found, ok = data[i:vend], true
		}
		if i = skipSpace(data, vend); i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return found, ok
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
