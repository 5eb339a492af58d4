// Command certinfo reads PEM certificates with Go's crypto/x509, the parser go-plugin's hosts and
// plugins use, and prints what it found in each, one JSON object per line:
//
//	certinfo FILE...
//
// A certificate crypto/x509 refuses is an error on stderr and exit status 1.
package main

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io/ioutil"
	"os"
	"time"
)

type info struct {
	Curve                 string   `json:"curve"`
	SignatureAlgorithm    string   `json:"signatureAlgorithm"`
	Subject               string   `json:"subject"`
	Issuer                string   `json:"issuer"`
	IsCA                  bool     `json:"isCA"`
	BasicConstraintsValid bool     `json:"basicConstraintsValid"`
	KeyUsage              []string `json:"keyUsage"`
	ExtKeyUsage           []string `json:"extKeyUsage"`
	DNSNames              []string `json:"dnsNames"`
	NotBefore             string   `json:"notBefore"`
	NotAfter              string   `json:"notAfter"`
	SelfSigned            bool     `json:"selfSigned"`
}

var keyUsages = []struct {
	bit  x509.KeyUsage
	name string
}{
	{x509.KeyUsageDigitalSignature, "digitalSignature"},
	{x509.KeyUsageContentCommitment, "contentCommitment"},
	{x509.KeyUsageKeyEncipherment, "keyEncipherment"},
	{x509.KeyUsageDataEncipherment, "dataEncipherment"},
	{x509.KeyUsageKeyAgreement, "keyAgreement"},
	{x509.KeyUsageCertSign, "keyCertSign"},
	{x509.KeyUsageCRLSign, "cRLSign"},
	{x509.KeyUsageEncipherOnly, "encipherOnly"},
	{x509.KeyUsageDecipherOnly, "decipherOnly"},
}

var extKeyUsages = map[x509.ExtKeyUsage]string{
	x509.ExtKeyUsageServerAuth: "serverAuth",
	x509.ExtKeyUsageClientAuth: "clientAuth",
}

func main() {
	for _, file := range os.Args[1:] {
		data, err := ioutil.ReadFile(file)
		if err != nil {
			fail(file, err)
		}
		block, _ := pem.Decode(data)
		if block == nil || block.Type != "CERTIFICATE" {
			fail(file, fmt.Errorf("no CERTIFICATE block"))
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			fail(file, err)
		}
		out := info{
			SignatureAlgorithm:    cert.SignatureAlgorithm.String(),
			Subject:               cert.Subject.String(),
			Issuer:                cert.Issuer.String(),
			IsCA:                  cert.IsCA,
			BasicConstraintsValid: cert.BasicConstraintsValid,
			KeyUsage:              []string{},
			ExtKeyUsage:           []string{},
			DNSNames:              cert.DNSNames,
			NotBefore:             cert.NotBefore.UTC().Format(time.RFC3339),
			NotAfter:              cert.NotAfter.UTC().Format(time.RFC3339),
			// The self-signature, checked the way Go checks a parent's signature on a child.
			SelfSigned: cert.CheckSignatureFrom(cert) == nil,
		}
		if key, ok := cert.PublicKey.(*ecdsa.PublicKey); ok {
			out.Curve = key.Curve.Params().Name
		}
		for _, usage := range keyUsages {
			if cert.KeyUsage&usage.bit != 0 {
				out.KeyUsage = append(out.KeyUsage, usage.name)
			}
		}
		for _, usage := range cert.ExtKeyUsage {
			name, known := extKeyUsages[usage]
			if !known {
				name = fmt.Sprintf("unknown(%d)", usage)
			}
			out.ExtKeyUsage = append(out.ExtKeyUsage, name)
		}
		line, err := json.Marshal(out)
		if err != nil {
			fail(file, err)
		}
		fmt.Println(string(line))
	}
}

func fail(file string, err error) {
	fmt.Fprintf(os.Stderr, "%s: %v\n", file, err)
	os.Exit(1)
}
