// Package faultinject arms and delivers the failures of package fault for
// the emulators in this module: the queue of armed faults ([Injector], told
// about one emulator by [Config]) and the HTTP-level sabotage ([Deliver]: 503,
// 429 with Retry-After, TCP resets through a hijacked connection, held
// requests, truncated and oversized bodies).
//
// It lives once here so a fault is delivered the same way by rustoretest and
// yandexpaytest. What only one provider knows (its error envelope, its action
// names, its bookkeeping around a held request) stays in that emulator and is
// handed in as values and callbacks, so this package knows nothing of either
// provider.
//
// It is internal because only the emulators use it: callers describe a
// failure with package fault and arm it through an emulator's InjectFault,
// which keeps the queue and the wire tricks free to change.
package faultinject
