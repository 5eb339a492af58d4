// Package countershared is the go-plugin glue of the broker interop tests, shared by counterhost
// and counterplugin: the handshake values and a GRPCPlugin for the Counter service whose Put is
// answered with the help of an AddHelper the host serves through the GRPCBroker. The host side
// serves a fresh AddHelper per Put under a new broker id (AcceptAndServe) and sends the id along;
// the plugin side dials that id (Dial) for the one call. The other direction is Offer: the plugin
// serves an AddHelper of its own under an id it chose (AcceptAndServe) and the host dials it. Written for Switchboard's tests; it builds
// in GOPATH mode against Debian's go-plugin 1.0.1.
package countershared

import (
	"fmt"
	"sync"

	"counterproto"

	plugin "github.com/hashicorp/go-plugin"
	"golang.org/x/net/context"
	"google.golang.org/grpc"
)

// Handshake is the cookie and protocol version both sides of the broker tests use; the Java test
// plugin (dev.switchboard.plugin.examples.CounterPlugin) uses the same values.
var Handshake = plugin.HandshakeConfig{
	ProtocolVersion:  1,
	MagicCookieKey:   "SWITCHBOARD_COUNTER",
	MagicCookieValue: "add-through-the-host",
}

// Adder is what the host offers the plugin.
type Adder interface {
	Sum(a, b int64) (int64, error)
}

// Counter is what the host sees of the plugin.
type Counter interface {
	Put(key string, value int64, adder Adder) (int64, error)
	Get(key string) (int64, error)
}

// Offerer is the other direction, also seen by the host: the plugin serves an Adder whose sums
// include offset under a broker id of its own, and the host dials it. Close the Adder after use.
type Offerer interface {
	Offer(offset int64) (OfferedAdder, error)
}

// OfferedAdder is the host's connection to an Adder the plugin serves through the broker.
type OfferedAdder interface {
	Adder
	ID() uint32
	Close() error
}

// Plugin is the go-plugin descriptor for the "counter" plugin; Impl is set on the plugin side.
type Plugin struct {
	plugin.NetRPCUnsupportedPlugin
	Impl Counter
	// Served counts the host's AcceptAndServe goroutines, so the host can wait for them (and for
	// their unix sockets to be removed) after Kill closed the broker.
	Served *sync.WaitGroup
}

func (p *Plugin) GRPCServer(broker *plugin.GRPCBroker, s *grpc.Server) error {
	counterproto.RegisterCounterServer(s, &server{impl: p.Impl, broker: broker})
	return nil
}

func (p *Plugin) GRPCClient(ctx context.Context, broker *plugin.GRPCBroker, c *grpc.ClientConn) (interface{}, error) {
	return &client{stub: counterproto.NewCounterClient(c), broker: broker, served: p.Served}, nil
}

// client runs in the host.
type client struct {
	stub   counterproto.CounterClient
	broker *plugin.GRPCBroker
	served *sync.WaitGroup
}

func (c *client) Put(key string, value int64, adder Adder) (int64, error) {
	id := c.broker.NextId()
	c.served.Add(1)
	go func() {
		defer c.served.Done()
		c.broker.AcceptAndServe(id, func(opts []grpc.ServerOption) *grpc.Server {
			s := grpc.NewServer(opts...)
			counterproto.RegisterAddHelperServer(s, &adderServer{impl: adder})
			return s
		})
	}()
	resp, err := c.stub.Put(context.Background(), &counterproto.PutRequest{Key: key, Value: value, AddHelperId: id})
	if err != nil {
		return 0, err
	}
	return resp.Total, nil
}

func (c *client) Get(key string) (int64, error) {
	resp, err := c.stub.Get(context.Background(), &counterproto.GetRequest{Key: key})
	if err != nil {
		return 0, err
	}
	return resp.Total, nil
}

func (c *client) Offer(offset int64) (OfferedAdder, error) {
	resp, err := c.stub.Offer(context.Background(), &counterproto.OfferRequest{Offset: offset})
	if err != nil {
		return nil, err
	}
	conn, err := c.broker.Dial(resp.AddHelperId)
	if err != nil {
		return nil, fmt.Errorf("dialing the plugin's AddHelper (broker id %d): %v", resp.AddHelperId, err)
	}
	return &offeredAdder{adderClient: adderClient{stub: counterproto.NewAddHelperClient(conn)}, id: resp.AddHelperId, conn: conn}, nil
}

type offeredAdder struct {
	adderClient
	id   uint32
	conn *grpc.ClientConn
}

func (o *offeredAdder) ID() uint32   { return o.id }
func (o *offeredAdder) Close() error { return o.conn.Close() }

// adderServer serves an Adder behind the broker: the host's for Put, the plugin's for Offer.
type adderServer struct{ impl Adder }

func (s *adderServer) Sum(ctx context.Context, req *counterproto.SumRequest) (*counterproto.SumResponse, error) {
	sum, err := s.impl.Sum(req.A, req.B)
	return &counterproto.SumResponse{Sum: sum}, err
}

// server runs in the plugin.
type server struct {
	impl   Counter
	broker *plugin.GRPCBroker
}

func (s *server) Put(ctx context.Context, req *counterproto.PutRequest) (*counterproto.PutResponse, error) {
	conn, err := s.broker.Dial(req.AddHelperId)
	if err != nil {
		return nil, fmt.Errorf("dialing the host's AddHelper (broker id %d): %v", req.AddHelperId, err)
	}
	defer conn.Close()
	total, err := s.impl.Put(req.Key, req.Value, &adderClient{stub: counterproto.NewAddHelperClient(conn)})
	return &counterproto.PutResponse{Total: total}, err
}

func (s *server) Get(ctx context.Context, req *counterproto.GetRequest) (*counterproto.GetResponse, error) {
	total, err := s.impl.Get(req.Key)
	return &counterproto.GetResponse{Total: total}, err
}

// Offer serves an AddHelper of the plugin's own under a new broker id until the broker closes.
func (s *server) Offer(ctx context.Context, req *counterproto.OfferRequest) (*counterproto.OfferResponse, error) {
	id := s.broker.NextId()
	go s.broker.AcceptAndServe(id, func(opts []grpc.ServerOption) *grpc.Server {
		g := grpc.NewServer(opts...)
		counterproto.RegisterAddHelperServer(g, &adderServer{impl: offsetAdder(req.Offset)})
		return g
	})
	return &counterproto.OfferResponse{AddHelperId: id}, nil
}

// offsetAdder is the plugin's own Adder: every sum includes the offset the host asked for.
type offsetAdder int64

func (o offsetAdder) Sum(x, y int64) (int64, error) { return x + y + int64(o), nil }

// adderClient calls an Adder behind the broker: the plugin calls the host's, the host the plugin's.
type adderClient struct{ stub counterproto.AddHelperClient }

func (a *adderClient) Sum(x, y int64) (int64, error) {
	resp, err := a.stub.Sum(context.Background(), &counterproto.SumRequest{A: x, B: y})
	if err != nil {
		return 0, err
	}
	return resp.Sum, nil
}
