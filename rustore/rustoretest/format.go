package rustoretest

import "fmt"

// Format prints String for every verb. String and GoString alone cover %v,
// %s and %#v only: a verb such as %d makes fmt walk the fields, and the
// Server holds the app's private key (base64 and PEM) and the notification
// key in unexported fields.
func (s *Server) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// Format prints String for every verb, for the same reason as Server's.
func (o Options) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(o.String())) }
