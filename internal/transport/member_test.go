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
