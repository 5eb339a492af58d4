// Command counterhost is a Go plugin host (Debian's go-plugin 1.0.1) for the broker interop tests.
// It loads a Counter plugin and runs a fixed scenario in which every Put makes the plugin call
// back the host's AddHelper through the broker:
//
//	counterhost [-mtls] [-n N] -cmd "PATH ARGS"
//
// It prints one line per AddHelper call the host served ("HOST SUM a b = s"), one per checked
// result ("OK ..."), or "ERROR ..." and exits 1.
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
	n := flag.Int("n", 8, "concurrent Puts")
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
	code := run(client, *n)
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

func run(client *plugin.Client, n int) int {
	rpc, err := client.Client()
	if err != nil {
		fmt.Println("ERROR start:", err)
		return 1
	}
	raw, err := rpc.Dispense("counter")
	if err != nil {
		fmt.Println("ERROR dispense:", err)
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
