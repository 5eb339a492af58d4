#!/usr/bin/python3
"""A KV plugin for go-plugin's examples/grpc contract, on Debian's python3-grpcio.

It speaks go-plugin's handshake itself: checks the BASIC_PLUGIN cookie, listens on a unix socket
in PLUGIN_UNIX_SOCKET_DIR (or the temp directory), prints 1|1|unix|PATH|grpc| and serves
proto.KV, grpc.health.v1.Health (service "plugin") and plugin.GRPCController/Shutdown. The
messages are built from descriptors at run time, so no protoc output is needed. AutoMTLS is not
offered: the host must load it with AutoMTLS off (a PLUGIN_CLIENT_CERT is refused with exit 1).
"""

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


def main():
    if os.environ.get("BASIC_PLUGIN") != "hello":
        sys.stderr.write("This binary is a plugin. These are not meant to be executed directly.\n"
                         "Please execute the program that consumes these plugins, which will\n"
                         "load any plugins automatically\n")
        return 1
    if os.environ.get("PLUGIN_CLIENT_CERT"):
        sys.stderr.write("this Python test plugin does not offer AutoMTLS; load it with AutoMTLS off\n")
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
    server.add_insecure_port("unix:" + path)
    server.start()
    sys.stdout.write("1|1|unix|%s|grpc|\n" % path)
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
