package wirejson

import (
	"bytes"
	stdjson "encoding/json"
	"reflect"
	"testing"
)

// flex is a field type with its own UnmarshalJSON, as the adapters' flexible
// fields (a string or a number) are.
type flex string

func (f *flex) UnmarshalJSON(b []byte) error {
	*f = flex(bytes.TrimSpace(b))
	return nil
}

// seen decodes a value into nothing, noting that one came.
type seen struct{ ok bool }

func (s *seen) UnmarshalJSON([]byte) error {
	s.ok = true
	return nil
}

// item and answer cover the shapes of the adapters' wire types: strings,
// pointers, numbers, methods, nested objects, lists, raw JSON and a data
// member decoded into what the caller put in an interface.
type item struct {
	ID     string `json:"id"`
	Amount flex   `json:"amount"`
}

type answer struct {
	Code    int                 `json:"code"`
	Status  string              `json:"status"`
	Reason  *string             `json:"reason"`
	Data    any                 `json:"data"`
	Items   []item              `json:"items"`
	Nested  struct{ Name flex } `json:"nested"`
	Details stdjson.RawMessage  `json:"details"`
	OK      bool                `json:"ok"`
}

// decodeBoth decodes input with encoding/json and with Unmarshal into fresh
// answers whose data is a *item, and reports both.
func decodeBoth(input []byte) (std, wire answer, stdErr, wireErr error) {
	std.Data, wire.Data = &item{}, &item{}
	stdErr = stdjson.Unmarshal(input, &std)
	wireErr = Unmarshal(input, &wire)
	return
}

// TestReadsAsEncodingJSON pins the rules the options keep: each case is
// decoded by encoding/json and by Unmarshal, and both must agree on success
// and, on success, on every field.
func TestReadsAsEncodingJSON(t *testing.T) {
	cases := []struct {
		name  string
		input string
		check func(t *testing.T, a answer)
	}{
		{"names ignore case", `{"CODE":200,"Status":"success","data":{"ID":"x"}}`, func(t *testing.T, a answer) {
			if a.Code != 200 || a.Status != "success" || a.Data.(*item).ID != "x" {
				t.Errorf("got %+v", a)
			}
		}},
		{"last duplicate wins", `{"status":"fail","status":"success"}`, func(t *testing.T, a answer) {
			if a.Status != "success" {
				t.Errorf("status = %q", a.Status)
			}
		}},
		{"invalid UTF-8 is replaced", "{\"status\":\"su\xffccess\"}", func(t *testing.T, a answer) {
			if a.Status != "su\uFFFDccess" {
				t.Errorf("status = %q", a.Status)
			}
		}},
		{"null data leaves no value", `{"status":"success","data":null}`, func(t *testing.T, a answer) {
			if a.Data != nil {
				t.Errorf("data = %#v; want nil", a.Data)
			}
		}},
		{"null pointer stays nil", `{"reason":null}`, func(t *testing.T, a answer) {
			if a.Reason != nil {
				t.Errorf("reason = %v", *a.Reason)
			}
		}},
		{"methods see the literal", `{"items":[{"id":"a","amount":12.50},{"amount":"7"}],"nested":{"name":null}}`, func(t *testing.T, a answer) {
			if len(a.Items) != 2 || a.Items[0].Amount != "12.50" || a.Items[1].Amount != `"7"` {
				t.Errorf("items = %+v", a.Items)
			}
		}},
		{"raw JSON kept", `{"details":{"a":[1,2]}}`, func(t *testing.T, a answer) {
			if string(a.Details) != `{"a":[1,2]}` {
				t.Errorf("details = %s", a.Details)
			}
		}},
		{"unknown names ignored", `{"other":{"deep":[{}]},"ok":true}`, func(t *testing.T, a answer) {
			if !a.OK {
				t.Error("ok = false")
			}
		}},
		{"escaped names match", `{"st\u0061tus":"success"}`, func(t *testing.T, a answer) {
			if a.Status != "success" {
				t.Errorf("status = %q", a.Status)
			}
		}}, {"underscores and dashes are part of a name", `{"stat_us":"x","stat-us":"y","o_k":true}`, func(t *testing.T, a answer) {
			if a.Status != "" || a.OK {
				t.Errorf("status = %q, ok = %v; want neither matched", a.Status, a.OK)
			}
		}},
		{"a later null keeps the earlier value", `{"status":"success","status":null,"nested":{"name":"n"},"nested":null}`, func(t *testing.T, a answer) {
			if a.Status != "success" || a.Nested.Name != `"n"` {
				t.Errorf("status = %q, nested = %+v; want both kept", a.Status, a.Nested)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			std, wire, stdErr, wireErr := decodeBoth([]byte(tc.input))
			if stdErr != nil || wireErr != nil {
				t.Fatalf("encoding/json: %v; wirejson: %v", stdErr, wireErr)
			}
			tc.check(t, wire)
			if !reflect.DeepEqual(std, wire) {
				t.Errorf("encoding/json read %+v, wirejson %+v", std, wire)
			}
		})
	}
}

// TestRefusesWhatEncodingJSONRefuses: input encoding/json refuses is refused
// too, so a malformed answer stays malformed.
func TestRefusesWhatEncodingJSONRefuses(t *testing.T) {
	for _, input := range []string{
		``, `{`, `{"status":"success"} x`, `{"code":"200"}`, `{"code":1.5}`, `{"status":1}`,
		`{"items":{}}`, `{"ok":"true"}`, `[1]`, `{"status":"a\qb"}`, `{"code":99999999999999999999}`,
	} {
		_, _, stdErr, wireErr := decodeBoth([]byte(input))
		if stdErr == nil {
			t.Fatalf("%q: encoding/json accepts it; the case is wrong", input)
		}
		if wireErr == nil {
			t.Errorf("%q: refused by encoding/json (%v) but accepted", input, stdErr)
		}
	}
}

// FuzzReadsAsEncodingJSON: for any input, both decoders agree on whether it
// is an answer, and on what it says when it is one.
func FuzzReadsAsEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"code":200,"status":"success","data":{"id":"x","amount":"1.00"},"items":[{"id":"a"}]}`,
		`{"status":"fail","reason":"bad","details":{"k":"v"}}`,
		`{"STATUS":"x","status":"y","data":null,"nested":{"NAME":3}}`,
		`{"ok":true,"code":-1,"items":[]}`,
		`{"stat_us":"x","Stat-Us":"y","status":"z","status":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		std, wire, stdErr, wireErr := decodeBoth(input)
		if (stdErr == nil) != (wireErr == nil) {
			t.Fatalf("%q: encoding/json: %v; wirejson: %v", input, stdErr, wireErr)
		}
		if stdErr == nil && !reflect.DeepEqual(std, wire) {
			t.Fatalf("%q: encoding/json read %+v, wirejson %+v", input, std, wire)
		}
	})
}

// TestMethodBehindInterface: data decoded into a value with its own
// UnmarshalJSON held in an interface (how an adapter notes that an answer
// had data it does not read) is called for a value, and null empties the
// interface instead, as encoding/json does.
func TestMethodBehindInterface(t *testing.T) {
	for _, tc := range []struct {
		input   string
		wantNil bool
	}{
		{`{"data":{"a":1}}`, false},
		{`{"data":null}`, true},
		{`{}`, false},
	} {
		var std, wire struct {
			Data any `json:"data"`
		}
		ss, ws := &seen{}, &seen{}
		std.Data, wire.Data = ss, ws
		if err := stdjson.Unmarshal([]byte(tc.input), &std); err != nil {
			t.Fatal(err)
		}
		if err := Unmarshal([]byte(tc.input), &wire); err != nil {
			t.Fatalf("%s: %v", tc.input, err)
		}
		if (wire.Data == nil) != tc.wantNil || (std.Data == nil) != tc.wantNil {
			t.Errorf("%s: data nil = %v (encoding/json: %v); want %v", tc.input, wire.Data == nil, std.Data == nil, tc.wantNil)
		}
		if ws.ok != ss.ok {
			t.Errorf("%s: method called = %v; encoding/json: %v", tc.input, ws.ok, ss.ok)
		}
	}
}

// FuzzValidAsEncodingJSON: Valid accepts exactly what encoding/json.Valid
// accepts, so a caller that checks an answer with Valid and reads it
// without decoding takes no answer that decoding would have refused.
func FuzzValidAsEncodingJSON(f *testing.F) {
	for _, s := range []string{
		` {"code":"OK","code":null} `, "{\"a\":\"\xff\"}", `[1,2`, `{"a":1}{}`, `"x"`, `01`, `{"a":"\u00"}`, ``,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		if got, want := Valid(input), stdjson.Valid(input); got != want {
			t.Fatalf("%q: Valid = %v, encoding/json.Valid = %v", input, got, want)
		}
	})
}
