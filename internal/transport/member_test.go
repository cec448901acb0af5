package transport

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMember(t *testing.T) {
	tests := []struct {
		name string
		data string
		keys []string
		want string // "" means nil
	}{
		{"top level", `{"a":1,"body":{"x":"y"},"c":true}`, []string{"body"}, `{"x":"y"}`},
		{"nested", `{"status":"success","data":{"order":{"orderId":"o-1"},"operations":[]}}`, []string{"data", "order"}, `{"orderId":"o-1"}`},
		{"spaces kept inside, trimmed outside", "{ \"body\" :\n [1, 2] \n}", []string{"body"}, `[1, 2]`},
		{"case ignored as encoding/json does", `{"Body":"v"}`, []string{"body"}, `"v"`},
		{"last duplicate wins", `{"body":1,"body":2}`, []string{"body"}, `2`},
		{"escaped key", `{"b\u006fdy":"v"}`, []string{"body"}, `"v"`},
		{"braces and quotes inside strings", `{"a":"}{\"body\":1","body":"\"}"}`, []string{"body"}, `"\"}"`},
		{"nested key of the same name is not top level", `{"a":{"body":1}}`, []string{"body"}, ""},
		{"scalar", `{"n":-1.5e3,"m":null}`, []string{"n"}, `-1.5e3`},
		{"null", `{"m":null}`, []string{"m"}, `null`},
		{"missing", `{"a":1}`, []string{"body"}, ""},
		{"not an object", `[{"body":1}]`, []string{"body"}, ""},
		{"path through a scalar", `{"data":"x"}`, []string{"data", "order"}, ""},
		{"empty", ``, []string{"body"}, ""},
		{"cut short", `{"body":{"x":`, []string{"body"}, `{"x":`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Member([]byte(tt.data), tt.keys...)
			if tt.want == "" {
				assert.Nil(t, got)
				return
			}
			assert.Equal(t, tt.want, string(got))
		})
	}
}

// FuzzMember checks Member against encoding/json: for any object json
// accepts, the bytes Member finds are those json hands a json.RawMessage.
func FuzzMember(f *testing.F) {
	for _, s := range []string{
		`{"k":1}`, `{"K":[1,{"k":2}],"k":"x"}`, `{"a":"\"k\":","k":{"b":[]}}`, `{"\u006b":true}`, ` { "k" : null } `,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var v struct {
			K json.RawMessage `json:"k"`
		}
		if json.Unmarshal(data, &v) != nil {
			return
		}
		got := Member(data, "k")
		if v.K == nil {
			require.Nil(t, got, "json found no k in %q", data)
			return
		}
		require.Equal(t, string(v.K), string(got), "in %q", data)
	})
}

func TestPlainStrings(t *testing.T) {
	tests := []struct {
		name, data string
		want, msg  string
		ok         bool
	}{
		{"plain", `{"code":"OK","message":"fine","body":{}}`, "OK", "fine", true},
		{"case and last duplicate as encoding/json", `{"Code":"A","MESSAGE":"m","CODE":"B"}`, "B", "m", true},
		{"missing", `{"other":"x"}`, "", "", true},
		{"null", `{"code":null,"message":null}`, "", "", true},
		{"a later null keeps the earlier value", `{"code":"A","code":null}`, "A", "", true},
		{"empty string", `{"code":""}`, "", "", true},
		{"Cyrillic kept", `{"code":"ОК"}`, "ОК", "", true},
		{"underscore is part of the name", `{"co_de":"x"}`, "", "", true},
		{"escape needs decoding", `{"code":"O\u004b"}`, "", "", false},
		{"invalid UTF-8 needs decoding", "{\"code\":\"O\xffK\"}", "", "", false},
		{"number", `{"code":200}`, "", "", false},
		{"object in the second key", `{"code":"OK","message":{"a":"b"}}`, "", "", false},
		{"not an object", `["code","OK"]`, "", "", false},
		{"null answer", `null`, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got [2]string
			ok := PlainStrings([]byte(tt.data), []string{"code", "message"}, got[:])
			assert.Equal(t, tt.ok, ok)
			if ok {
				assert.Equal(t, tt.want, got[0])
				assert.Equal(t, tt.msg, got[1])
			}
		})
	}
}

// FuzzPlainStrings: whatever PlainStrings reads from valid JSON is what
// encoding/json decodes into string fields.
func FuzzPlainStrings(f *testing.F) {
	for _, s := range []string{`{"k":"v","m":"w"}`, `{"K":"a","k":null,"M":"x"}`, `{"k":"a\"b"}`, `{"x":{"k":"in"},"k":"out"}`, `[]`, `{"k":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if !json.Valid(data) {
			return
		}
		var got [2]string
		if !PlainStrings(data, []string{"k", "m"}, got[:]) {
			return
		}
		var v struct {
			K string `json:"k"`
			M string `json:"m"`
		}
		require.NoError(t, json.Unmarshal(data, &v), "PlainStrings read %q from %q", got, data)
		require.Equal(t, [2]string{v.K, v.M}, got, "in %q", data)
	})
}
