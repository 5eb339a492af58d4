// Command counterplugin is a Go Counter plugin served through Debian's go-plugin 1.0.1. It keeps
// totals in memory but never adds itself: every Put asks the host's AddHelper, dialed through the
// broker, for the new total.
package main

import (
	"sync"

	"countershared"

	plugin "github.com/hashicorp/go-plugin"
)

type totals struct {
	mu     sync.Mutex
	values map[string]int64
}

// Put holds the lock across the callback so that concurrent Puts to one key add up.
func (t *totals) Put(key string, value int64, adder countershared.Adder) (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	sum, err := adder.Sum(t.values[key], value)
	if err != nil {
		return 0, err
	}
	t.values[key] = sum
	return sum, nil
}

func (t *totals) Get(key string) (int64, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.values[key], nil
}

func main() {
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: countershared.Handshake,
		Plugins: map[string]plugin.Plugin{
			"counter": &countershared.Plugin{Impl: &totals{values: map[string]int64{}}},
		},
		GRPCServer: plugin.DefaultGRPCServer,
	})
}
