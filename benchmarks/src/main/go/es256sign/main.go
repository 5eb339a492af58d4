// Command es256sign measures Go's crypto/ecdsa P-256 signature of a SHA-256 hash, the anchor for
// TitanCompute's ES256 signer: TitanBench runs it between its own rounds and compares the CPU time
// per signature.
//
// It signs a payload of -payload bytes (hashing included, as a JWS signer must) on one goroutine
// locked to its OS thread for -seconds, then prints one line:
//
//	es256sign cpu_ns_per_op=N wall_ns_per_op=N ops=N go=VERSION
//
// CPU time is the thread's own (getrusage RUSAGE_THREAD), so other processes on a busy machine
// change it little. Every signature is checked once with ecdsa.Verify before the loop starts.
package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"
)

const rusageThread = 1 // RUSAGE_THREAD on Linux

func threadCPU() time.Duration {
	var usage syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &usage); err != nil {
		fmt.Fprintln(os.Stderr, "es256sign: getrusage:", err)
		os.Exit(1)
	}
	return time.Duration(usage.Utime.Nano() + usage.Stime.Nano())
}

func main() {
	seconds := flag.Float64("seconds", 2, "how long to sign")
	size := flag.Int("payload", 300, "bytes to sign (a routing token's header.payload is about 300)")
	flag.Parse()
	runtime.LockOSThread()

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		fmt.Fprintln(os.Stderr, "es256sign: key:", err)
		os.Exit(1)
	}
	payload := make([]byte, *size)
	if _, err := rand.Read(payload); err != nil {
		fmt.Fprintln(os.Stderr, "es256sign: payload:", err)
		os.Exit(1)
	}
	hash := sha256.Sum256(payload)
	r, s, err := ecdsa.Sign(rand.Reader, key, hash[:])
	if err != nil || !ecdsa.Verify(&key.PublicKey, hash[:], r, s) {
		fmt.Fprintln(os.Stderr, "es256sign: a signature does not verify:", err)
		os.Exit(1)
	}

	deadline := time.Duration(*seconds * float64(time.Second))
	ops := 0
	cpuStart := threadCPU()
	wallStart := time.Now()
	for time.Since(wallStart) < deadline {
		hash := sha256.Sum256(payload)
		if _, _, err := ecdsa.Sign(rand.Reader, key, hash[:]); err != nil {
			fmt.Fprintln(os.Stderr, "es256sign: sign:", err)
			os.Exit(1)
		}
		ops++
	}
	wall := time.Since(wallStart)
	cpu := threadCPU() - cpuStart
	fmt.Printf("es256sign cpu_ns_per_op=%d wall_ns_per_op=%d ops=%d go=%s\n",
		cpu.Nanoseconds()/int64(ops), wall.Nanoseconds()/int64(ops), ops, runtime.Version())
}
