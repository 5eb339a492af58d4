#!/usr/bin/python3
"""A KV plugin for go-plugin's examples/grpc contract, on Debian's python3-grpcio.

It speaks go-plugin's handshake itself: checks the BASIC_PLUGIN cookie, listens on a unix socket
in PLUGIN_UNIX_SOCKET_DIR (or the temp directory), prints 1|1|unix|PATH|grpc|CERT and serves
proto.KV, grpc.health.v1.Health (service "plugin") and plugin.GRPCController/Shutdown. The
messages are built from descriptors at run time, so no protoc output is needed.

AutoMTLS as go-plugin's server.go does it (and pyvider after it): when the host sets
PLUGIN_CLIENT_CERT, the plugin makes a throwaway ECDSA certificate (python3-cryptography), serves
TLS that requires a client certificate signed by exactly the host's, and prints its certificate as
the sixth field (DER, standard base64 without padding). Without PLUGIN_CLIENT_CERT it serves
plaintext and leaves CERT empty: go-plugin hosts before AutoMTLS cannot take a certificate they did
not ask for.
"""

import base64
import datetime
import os
import sys
import tempfile
import threading
import uuid
from concurrent import futures

import grpc
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory


def kv_messages():
    file = descriptor_pb2.FileDescriptorProto(name="kv.proto", package="proto", syntax="proto3")

    def message(name, *fields):
        m = file.message_type.add(name=name)
        for number, (field_name, kind) in enumerate(fields, start=1):
            m.field.add(name=field_name, number=number, type=kind,
                        label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL)

    string = descriptor_pb2.FieldDescriptorProto.TYPE_STRING
    data = descriptor_pb2.FieldDescriptorProto.TYPE_BYTES
    message("GetRequest", ("key", string))
    message("GetResponse", ("value", data))
    message("PutRequest", ("key", string), ("value", data))
    message("Empty")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    factory = message_factory.MessageFactory(pool)
    return {name: factory.GetPrototype(pool.FindMessageTypeByName("proto." + name))
            for name in ("GetRequest", "GetResponse", "PutRequest", "Empty")}


def auto_mtls(host_cert_pem):
    """Server credentials and the handshake's CERT field for go-plugin's AutoMTLS.

    The certificate has the shape of go-plugin's mtls.go generateCert: ECDSA P-521 signed with
    SHA-512, CN and DNS SAN "localhost" (hosts verify with ServerName "localhost"), a CA (Go puts
    it in a RootCAs pool as its own root), key usages digital signature, key encipherment, key
    agreement and cert sign, client and server auth, valid from 30 s ago. Raises ValueError when
    the host's certificate does not parse.
    """
    # Imported here: a plaintext plugin does not need python3-cryptography.
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    x509.load_pem_x509_certificate(host_cert_pem)  # fail early, with a message, on a bad PEM
    key = ec.generate_private_key(ec.SECP521R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Switchboard test plugin")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(int.from_bytes(os.urandom(16), "big") | 1)
            .not_valid_before(now - datetime.timedelta(seconds=30))
            .not_valid_after(now + datetime.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                         key_encipherment=True, data_encipherment=False,
                                         key_agreement=True, key_cert_sign=True, crl_sign=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH,
                                                  ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .sign(key, hashes.SHA512()))
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    credentials = grpc.ssl_server_credentials([(key_pem, cert_pem)], root_certificates=host_cert_pem,
                                              require_client_auth=True)
    der = cert.public_bytes(serialization.Encoding.DER)
    return credentials, base64.b64encode(der).decode("ascii").rstrip("=")


def main():
    if os.environ.get("BASIC_PLUGIN") != "hello":
        sys.stderr.write("This binary is a plugin. These are not meant to be executed directly.\n"
                         "Please execute the program that consumes these plugins, which will\n"
                         "load any plugins automatically\n")
        return 1
    host_cert = os.environ.get("PLUGIN_CLIENT_CERT", "")
    credentials, cert_field = None, ""
    if host_cert:
        try:
            credentials, cert_field = auto_mtls(host_cert.encode("ascii"))
        except ValueError as e:
            sys.stderr.write('{"@level":"error","@message":"PLUGIN_CLIENT_CERT is not a PEM certificate: %s"}\n'
                             % str(e).replace('"', "'"))
            return 1
    versions = os.environ.get("PLUGIN_PROTOCOL_VERSIONS", "1").split(",")
    if "1" not in [v.strip() for v in versions]:
        sys.stderr.write('{"@level":"warn","@message":"no common protocol version","host":"%s"}\n'
                         % ",".join(versions))

    types = kv_messages()
    values = {}
    lock = threading.Lock()
    stopped = threading.Event()

    def put(request, context):
        with lock:
            values[request.key] = request.value
        return types["Empty"]()

    def get(request, context):
        with lock:
            if request.key not in values:
                context.abort(grpc.StatusCode.NOT_FOUND, "no value for key '%s'" % request.key)
            return types["GetResponse"](value=values[request.key])

    def health_check(request, context):
        return b"\x08\x01"  # HealthCheckResponse{status: SERVING}

    def shutdown(request, context):
        stopped.set()
        return b""

    def unary(handler, request_type, response_type):
        return grpc.unary_unary_rpc_method_handler(
            handler,
            request_deserializer=request_type.FromString,
            response_serializer=response_type.SerializeToString)

    def raw(handler):
        return grpc.unary_unary_rpc_method_handler(
            handler, request_deserializer=lambda b: b, response_serializer=lambda b: b)

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=16), options=[
        ("grpc.max_receive_message_length", 2**31 - 1),
        ("grpc.max_send_message_length", 2**31 - 1)])
    server.add_generic_rpc_handlers([
        grpc.method_handlers_generic_handler("proto.KV", {
            "Get": unary(get, types["GetRequest"], types["GetResponse"]),
            "Put": unary(put, types["PutRequest"], types["Empty"]),
        }),
        grpc.method_handlers_generic_handler("grpc.health.v1.Health", {"Check": raw(health_check)}),
        grpc.method_handlers_generic_handler("plugin.GRPCController", {"Shutdown": raw(shutdown)}),
    ])
    directory = os.environ.get("PLUGIN_UNIX_SOCKET_DIR") or tempfile.gettempdir()
    path = os.path.join(directory, "plugin" + uuid.uuid4().hex[:12])
    if credentials is None:
        server.add_insecure_port("unix:" + path)
    else:
        server.add_secure_port("unix:" + path, credentials)
    server.start()
    sys.stdout.write("1|1|unix|%s|grpc|%s\n" % (path, cert_field))
    sys.stdout.flush()
    sys.stderr.write('{"@level":"info","@message":"python kv plugin serving","@module":"kv_py","path":"%s"}\n' % path)
    sys.stderr.flush()

    parent = os.getppid()
    while not stopped.wait(0.2):
        if os.getppid() != parent:
            break  # the host is gone
    server.stop(1).wait()
    try:
        os.unlink(path)
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
