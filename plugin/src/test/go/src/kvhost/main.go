// Command kvhost is a Go plugin host (Debian's go-plugin) that loads any KV plugin.
//
//	kvhost [-mtls] [-n N] [-hold D] -cmd "PATH ARGS" put KEY VALUE | get KEY | selftest | firstcall | latency
//
// selftest: put, get, a 3 MB value, then N concurrent put+get pairs; prints one line per check.
// firstcall: prints the nanoseconds from launch to the first completed call.
// latency: prints per-call nanoseconds for N sequential Get calls after a warm-up.
// -hold D: after the operation, prints "HOLDING pid PID" (the host's own), waits D, then calls the
// plugin again and prints "OK after hold": a plugin that left early fails that call.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"kvshared"

	hclog "github.com/hashicorp/go-hclog"
	plugin "github.com/hashicorp/go-plugin"
)

func main() {
	mtls := flag.Bool("mtls", false, "use AutoMTLS")
	cmdLine := flag.String("cmd", "", "plugin command line")
	n := flag.Int("n", 50, "concurrency or number of calls")
	hold := flag.Duration("hold", 0, "keep the plugin this long after the operation, then call it again")
	flag.Parse()
	if *cmdLine == "" || flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: kvhost [-mtls] [-n N] [-hold D] -cmd \"PATH ARGS\" put KEY VALUE | get KEY | selftest | firstcall | latency")
		os.Exit(2)
	}
	log.SetOutput(ioutil.Discard)
	level := hclog.LevelFromString(os.Getenv("KVHOST_LOG_LEVEL"))
	if level == hclog.NoLevel {
		level = hclog.Warn
	}
	logger := hclog.New(&hclog.LoggerOptions{Name: "kvhost", Output: os.Stderr, Level: level})

	start := time.Now()
	fields := strings.Fields(*cmdLine)
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  kvshared.Handshake,
		Plugins:          map[string]plugin.Plugin{"kv_grpc": &kvshared.Plugin{}},
		Cmd:              exec.Command(fields[0], fields[1:]...),
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         *mtls,
		Logger:           logger,
	})
	code := run(client, start, flag.Args(), *n, *hold)
	client.Kill()
	os.Exit(code)
}

func run(client *plugin.Client, start time.Time, args []string, n int, hold time.Duration) int {
	rpc, err := client.Client()
	if err != nil {
		fmt.Println("ERROR start:", err)
		return 1
	}
	raw, err := rpc.Dispense("kv_grpc")
	if err != nil {
		fmt.Println("ERROR dispense:", err)
		return 1
	}
	kv := raw.(kvshared.KV)
	code := operate(kv, start, args, n)
	if code != 0 || hold <= 0 {
		return code
	}
	fmt.Printf("HOLDING pid %d\n", os.Getpid())
	time.Sleep(hold)
	if err := kv.Put("after-hold", []byte("still here")); err != nil {
		fmt.Println("ERROR after hold:", err)
		return 1
	}
	if v, err := kv.Get("after-hold"); err != nil || string(v) != "still here" {
		fmt.Println("ERROR after hold:", err, string(v))
		return 1
	}
	fmt.Println("OK after hold")
	return 0
}

func operate(kv kvshared.KV, start time.Time, args []string, n int) int {
	switch args[0] {
	case "put":
		if err := kv.Put(args[1], []byte(args[2])); err != nil {
			fmt.Println("ERROR put:", err)
			return 1
		}
		fmt.Println("OK put")
	case "get":
		v, err := kv.Get(args[1])
		if err != nil {
			fmt.Println("ERROR get:", err)
			return 1
		}
		fmt.Printf("OK get %s\n", v)
	case "firstcall":
		if err := kv.Put("first", []byte("call")); err != nil {
			fmt.Println("ERROR put:", err)
			return 1
		}
		fmt.Println(time.Since(start).Nanoseconds())
	case "latency":
		if err := kv.Put("k", []byte("v")); err != nil {
			fmt.Println("ERROR put:", err)
			return 1
		}
		for i := 0; i < 200; i++ {
			kv.Get("k")
		}
		t := time.Now()
		for i := 0; i < n; i++ {
			if _, err := kv.Get("k"); err != nil {
				fmt.Println("ERROR get:", err)
				return 1
			}
		}
		fmt.Println(time.Since(t).Nanoseconds() / int64(n))
	case "selftest":
		return selftest(kv, n)
	default:
		fmt.Println("ERROR unknown operation", args[0])
		return 2
	}
	return 0
}

func selftest(kv kvshared.KV, n int) int {
	if err := kv.Put("hello", []byte("world")); err != nil {
		fmt.Println("ERROR put:", err)
		return 1
	}
	v, err := kv.Get("hello")
	if err != nil || string(v) != "world" {
		fmt.Println("ERROR get:", err, string(v))
		return 1
	}
	fmt.Println("OK put+get")

	big := make([]byte, 3*1024*1024)
	for i := range big {
		big[i] = byte(i * 31)
	}
	if err := kv.Put("big", big); err != nil {
		fmt.Println("ERROR big put:", err)
		return 1
	}
	back, err := kv.Get("big")
	if err != nil || !bytes.Equal(back, big) {
		fmt.Println("ERROR big get:", err, len(back))
		return 1
	}
	fmt.Printf("OK 3MB %d\n", len(back))

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			key := fmt.Sprintf("k%d", i)
			want := fmt.Sprintf("v%d", i)
			if err := kv.Put(key, []byte(want)); err != nil {
				errs <- err
				return
			}
			got, err := kv.Get(key)
			if err != nil {
				errs <- err
				return
			}
			if string(got) != want {
				errs <- fmt.Errorf("key %s: got %q want %q", key, got, want)
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
	return 0
}
