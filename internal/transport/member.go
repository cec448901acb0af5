package transport

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
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
	var found []byte
	s := scanObject(data, i)
	for name, at, ok := s.next(); ok; name, at, ok = s.next() {
		var vend int
		switch {
		case !sameKey(name, keys[0]):
			vend = valueEnd(data, at)
		case len(keys) == 1:
			vend = valueEnd(data, at)
			found = data[at:vend]
		default:
			found, vend = memberAt(data, at, keys[1:])
		}
		s.past(at, vend)
	}
	return found, s.end
}

// objectScan walks the members of one JSON object without decoding them:
// next gives each member's name and where its value starts, and past moves
// on once the caller has found where that value ends.
type objectScan struct {
	data    []byte
	i       int  // the next member's name
	stopped bool // the object ended, or broke off
	end     int  // once stopped: the index just past the object, or where it broke off
}

// scanObject starts a scan of the object at data[i]; a scan of anything
// else is stopped at once, its end just past that value.
func scanObject(data []byte, i int) objectScan {
	if i >= len(data) || data[i] != '{' {
		return objectScan{data: data, stopped: true, end: valueEnd(data, i)}
	}
	return objectScan{data: data, i: skipSpace(data, i+1)}
}

// next returns the next member's quoted name and the index of its value;
// ok is false once the object has ended or broken off.
func (s *objectScan) next() (name []byte, at int, ok bool) {
	if s.stopped {
		return nil, 0, false
	}
	d, i := s.data, s.i
	if i >= len(d) || d[i] != '"' {
		if i < len(d) && d[i] == '}' {
			i++
		}
		return s.stop(i)
	}
	end, closed := stringEnd(d, i)
	if !closed {
		return s.stop(len(d))
	}
	if i = skipSpace(d, end); i >= len(d) || d[i] != ':' {
		return s.stop(i)
	}
	return d[s.i:end], skipSpace(d, i+1), true
}

func (s *objectScan) stop(end int) ([]byte, int, bool) {
	s.stopped, s.end = true, end
	return nil, 0, false
}

// past moves the scan past the value at index at, which ends just before
// vend.
func (s *objectScan) past(at, vend int) {
	if vend <= at {
		s.stop(vend)
		return
	}
	i := skipSpace(s.data, vend)
	if i < len(s.data) && s.data[i] == ',' {
		i = skipSpace(s.data, i+1)
	}
	s.i = i
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

// PlainStrings reads the top-level members keys of the JSON object data
// into vals (vals[i] for keys[i]) as encoding/json would decode them into
// string fields, when that takes no decoding, in one scan: "" for a missing
// member, and otherwise the text of the last member that is a string without
// escapes in valid UTF-8 (a null keeps the value before it, as encoding/json
// does). It reports false for anything else (another kind of value, an
// escape, invalid UTF-8, data that is not an object): decode the answer
// instead, which says what it is. data must be valid JSON (wirejson.Valid):
// PlainStrings does not check it.
func PlainStrings(data []byte, keys, vals []string) bool {
	scan := scanObject(data, skipSpace(data, 0))
	if scan.stopped || len(vals) < len(keys) {
		return false
	}
	clear(vals[:len(keys)])
	for name, at, more := scan.next(); more; name, at, more = scan.next() {
		vend := valueEnd(data, at)
		for k, key := range keys {
			if !sameKey(name, key) {
				continue
			}
			switch v := data[at:vend]; {
			case string(v) == "null":
				// encoding/json keeps the value of an earlier duplicate.
			case len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v, '\\') < 0 && utf8.Valid(v):
				vals[k] = string(v[1 : len(v)-1])
			default:
				return false
			}
		}
		scan.past(at, vend)
	}
	return true
}
