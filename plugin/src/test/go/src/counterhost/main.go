// Command counterhost is a Go plugin host (Debian's go-plugin 1.0.1) for the broker interop tests.
// It loads a Counter plugin and runs a fixed scenario in which every Put makes the plugin call
// back the host's AddHelper through the broker:
//
//	counterhost [-mtls] [-n N] [-offer] -cmd "PATH ARGS"
//
// It prints one line per AddHelper call the host served ("HOST SUM a b = s"), one per checked
// result ("OK ..."), or "ERROR ..." and exits 1. With -offer it runs the other direction instead:
// the plugin serves AddHelpers through its broker (Counter.Offer) and the host dials them.
package main

import (
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"countershared"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
)

// hostAdder is the service the plugin calls back; it counts and reports every call it serves.
type hostAdder struct {
	calls int64
	quiet bool
}

func (a *hostAdder) Sum(x, y int64) (int64, error) {
	atomic.AddInt64(&a.calls, 1)
	if !a.quiet {
		fmt.Printf("HOST SUM %d %d = %d\n", x, y, x+y)
	}
	return x + y, nil
}

func main() {
	mtls := flag.Bool("mtls", false, "use AutoMTLS")
	cmdLine := flag.String("cmd", "", "plugin command line")
	n := flag.Int("n", 8, "concurrent Puts (or Offers)")
	offer := flag.Bool("offer", false, "dial AddHelpers the plugin offers instead of serving one")
	flag.Parse()
	if *cmdLine == "" {
		fmt.Fprintln(os.Stderr, "usage: counterhost [-mtls] [-n N] -cmd \"PATH ARGS\"")
		os.Exit(2)
	}
	log.SetOutput(ioutil.Discard)
	level := hclog.LevelFromString(os.Getenv("COUNTERHOST_LOG_LEVEL"))
	if level == hclog.NoLevel {
		level = hclog.Warn
	}
	served := &sync.WaitGroup{}
	fields := strings.Fields(*cmdLine)
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  countershared.Handshake,
		Plugins:          map[string]plugin.Plugin{"counter": &countershared.Plugin{Served: served}},
		Cmd:              exec.Command(fields[0], fields[1:]...),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         *mtls,
		Logger:           hclog.New(&hclog.LoggerOptions{Name: "counterhost", Output: os.Stderr, Level: level}),
	})
	var code int
	if *offer {
		code = runOffer(client, *n)
	} else {
		code = run(client, *n)
	}
	client.Kill()
	// Kill closed the broker: each AcceptAndServe stops its server and removes its socket.
	done := make(chan struct{})
	go func() { served.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		fmt.Println("ERROR broker servers still running 5 s after Kill")
		code = 1
	}
	os.Exit(code)
}

func dispense(client *plugin.Client) interface{} {
	rpc, err := client.Client()
	if err != nil {
		fmt.Println("ERROR start:", err)
		return nil
	}
	raw, err := rpc.Dispense("counter")
	if err != nil {
		fmt.Println("ERROR dispense:", err)
		return nil
	}
	return raw
}

// runOffer dials AddHelpers the plugin serves through its broker: each Offer gets a new broker id
// from the plugin, and each sum must include that Offer's offset, which only the plugin's server
// knows.
func runOffer(client *plugin.Client, n int) int {
	raw := dispense(client)
	if raw == nil {
		return 1
	}
	offerer := raw.(countershared.Offerer)
	first, err := offerer.Offer(100)
	if err != nil {
		fmt.Println("ERROR offer:", err)
		return 1
	}
	defer first.Close()
	second, err := offerer.Offer(1000)
	if err != nil {
		fmt.Println("ERROR offer:", err)
		return 1
	}
	defer second.Close()
	if first.ID() == second.ID() {
		fmt.Println("ERROR offers share broker id", first.ID())
		return 1
	}
	// Two calls on the first connection, one on the second: each connection stays with its server.
	for _, c := range []struct {
		adder      countershared.OfferedAdder
		x, y, want int64
	}{{first, 40, 2, 142}, {second, 40, 2, 1042}, {first, -100, 0, 0}} {
		got, err := c.adder.Sum(c.x, c.y)
		if err != nil {
			fmt.Println("ERROR offered sum:", err)
			return 1
		}
		if got != c.want {
			fmt.Printf("ERROR offered sum %d %d on id %d: %d, want %d\n", c.x, c.y, c.adder.ID(), got, c.want)
			return 1
		}
		fmt.Printf("OK offered sum %d %d = %d\n", c.x, c.y, got)
	}

	// n Offers at once: every Dial must reach the server of its own id.
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			offset := int64(10000 * (i + 1))
			adder, err := offerer.Offer(offset)
			if err != nil {
				errs <- err
				return
			}
			defer adder.Close()
			got, err := adder.Sum(int64(i), 1)
			if err == nil && got != offset+int64(i)+1 {
				err = fmt.Errorf("offer %d (id %d): sum %d, want %d", i, adder.ID(), got, offset+int64(i)+1)
			}
			if err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fmt.Println("ERROR concurrent offer:", err)
		return 1
	}
	fmt.Printf("OK offered concurrent %d\n", n)
	return 0
}

func run(client *plugin.Client, n int) int {
	raw := dispense(client)
	if raw == nil {
		return 1
	}
	counter := raw.(countershared.Counter)
	adder := &hostAdder{}

	for _, step := range []struct{ value, want int64 }{{5, 5}, {7, 12}, {-2, 10}} {
		total, err := counter.Put("clicks", step.value, adder)
		if err != nil {
			fmt.Println("ERROR put:", err)
			return 1
		}
		if total != step.want {
			fmt.Printf("ERROR put clicks %d: total %d, want %d\n", step.value, total, step.want)
			return 1
		}
		fmt.Printf("OK put clicks %d total %d\n", step.value, total)
	}
	total, err := counter.Get("clicks")
	if err != nil || total != 10 {
		fmt.Println("ERROR get clicks:", total, err)
		return 1
	}
	fmt.Printf("OK get clicks %d\n", total)

	// n Puts at once, each with its own broker id: the ids must route each plugin Dial to its server.
	adder.quiet = true
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			key := fmt.Sprintf("k%d", i)
			got, err := counter.Put(key, int64(100+i), adder)
			if err == nil && got != int64(100+i) {
				err = fmt.Errorf("%s: total %d, want %d", key, got, 100+i)
			}
			if err != nil {
				errs <- err
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		fmt.Println("ERROR concurrent:", err)
		return 1
	}
	fmt.Printf("OK concurrent %d\n", n)
	fmt.Printf("OK host served %d sums\n", atomic.LoadInt64(&adder.calls))
	return 0
}
