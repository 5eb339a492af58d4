// Package kvshared is the contract both Go test programs share: the handshake values and the
// go-plugin glue (GRPCPlugin) for the KV service of go-plugin's examples/grpc.
// Written for Switchboard's interop tests; it builds in GOPATH mode against Debian's go-plugin.
package kvshared

import (
	"kvproto"

	plugin "github.com/hashicorp/go-plugin"
	"golang.org/x/net/context"
	"google.golang.org/grpc"
)

// Handshake matches go-plugin's examples/grpc: cookie BASIC_PLUGIN=hello, protocol 1.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "BASIC_PLUGIN",
	MagicCookieValue: "hello",
}

// KV is what a host sees of a plugin.
type KV interface {
	Put(key string, value []byte) error
	Get(key string) ([]byte, error)
}

// Plugin is the go-plugin descriptor for the "kv_grpc" plugin.
type Plugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl KV
}

func (p *Plugin) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	kvproto.RegisterKVServer(s, &server{impl: p.Impl})
	return nil
}

func (p *Plugin) GRPCClient(ctx context.Context, broker *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &client{stub: kvproto.NewKVClient(c)}, nil
}

type client struct{ stub kvproto.KVClient }

func (c *client) Put(key string, value []byte) error {
	_, err := c.stub.Put(context.Background(), &kvproto.PutRequest{Key: key, Value: value})
	return err
}

func (c *client) Get(key string) ([]byte, error) {
	resp, err := c.stub.Get(context.Background(), &kvproto.GetRequest{Key: key})
	if err != nil {
		return nil, err
	}
	return resp.Value, nil
}

type server struct{ impl KV }

func (s *server) Put(ctx context.Context, req *kvproto.PutRequest) (*kvproto.Empty, error) {
	return &kvproto.Empty{}, s.impl.Put(req.Key, req.Value)
}

func (s *server) Get(ctx context.Context, req *kvproto.GetRequest) (*kvproto.GetResponse, error) {
	v, err := s.impl.Get(req.Key)
	return &kvproto.GetResponse{Value: v}, err
}
