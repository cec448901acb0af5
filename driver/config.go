package driver

import (
	"errors"
	"fmt"

	"github.com/regionpay/payments"
)

// ConfigError is the error an adapter's New returns for a Config field it
// refuses: CodeInvalidArgument, Op payments.OpNew, and Field set, so that
// OpenError can blame the matching config-file field.
func ConfigError(provider, field, format string, args ...any) *payments.Error {
	return &payments.Error{
		Code:     payments.CodeInvalidArgument,
		Provider: provider,
		Op:       payments.OpNew,
		Field:    field,
		Message:  fmt.Sprintf(format, args...),
	}
}

// commonConfigFields maps the Config fields of payments.HTTPOptions that a
// config file sets to the file's names for them.
var commonConfigFields = map[string]string{"BaseURL": "base_url", "Sandbox": "sandbox"}

// OpenError turns an error from an adapter's New, called by its registry
// entry, into the config error for the region: fields maps the adapter's
// Config field names to its config-file field names ({"KeyID": "key_id"}),
// so the error blames the field the value came from. An error that names no
// known field is blamed on the region as a whole. Only New's message is kept:
// the config error names the region and the field already.
func OpenError(s *payments.Settings, err error, fields map[string]string) error {
	var pe *payments.Error
	if !errors.As(err, &pe) {
		return s.Errorf("", "%v", err)
	}
	name, ok := fields[pe.Field]
	if !ok {
		name = commonConfigFields[pe.Field]
	}
	return s.Errorf(name, "%s", pe.Message)
}

// FirstError returns the first non-nil error, in field order. A registry
// entry reads every field before it checks any (so that payments.Open can
// tell a misspelt field from a missing one), then reports the first
// field's problem, so that the message is about one field.
func FirstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
