// Command kvplugin is a Go KV plugin served through Debian's go-plugin. Values live in memory
// (go-plugin's own example writes files); the interop tests only need the wire behaviour.
package main

import (
	"fmt"
	"os"
	"sync"

	"kvshared"

	plugin "github.com/hashicorp/go-plugin"
)

type memoryKV struct {
	mu     sync.Mutex
	values map[string][]byte
}

func (m *memoryKV) Put(key string, value []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.values[key] = append([]byte(nil), value...)
	return nil
}

func (m *memoryKV) Get(key string) ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.values[key]
	if !ok {
		return nil, fmt.Errorf("no value for key %q", key)
	}
	return v, nil
}

func main() {
	fmt.Fprintln(os.Stderr, "[INFO] go kv plugin starting")
	plugin.Serve(&plugin.ServeConfig{
		HandshakeConfig: kvshared.Handshake,
		Plugins: map[string]plugin.Plugin{
			"kv_grpc": &kvshared.Plugin{Impl: &memoryKV{values: map[string][]byte{}}},
		},
		GRPCServer: plugin.DefaultGRPCServer,
	})
}
