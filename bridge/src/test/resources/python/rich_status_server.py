"""A grpcio server that fails calls with the rich error model.

Serves bridge.test.v1.Shapes/Echo with raw bytes (no generated service code): the request's
`name` (field 1) picks the failure, and the trailer grpc-status-details-bin carries a
google.rpc.Status with the matching details, as Google APIs send them.

usage: rich_status_server.py PORT STUBS_DIR   (STUBS_DIR holds google/rpc/*_pb2.py)
"""
import sys
from concurrent import futures

sys.path.insert(0, sys.argv[2])

import grpc  # noqa: E402
from google.protobuf import any_pb2, duration_pb2  # noqa: E402
from google.rpc import error_details_pb2, status_pb2  # noqa: E402


def name_of(request: bytes) -> str:
    # field 1, wire type 2: tag 0x0a, a one-byte length, the UTF-8 name
    if len(request) >= 2 and request[0] == 0x0A:
        return request[2 : 2 + request[1]].decode("utf-8")
    return ""


def packed(message) -> any_pb2.Any:
    a = any_pb2.Any()
    a.Pack(message)
    return a


def echo(request: bytes, context: grpc.ServicerContext) -> bytes:
    name = name_of(request)
    if name == "invalid":
        code, message = grpc.StatusCode.INVALID_ARGUMENT, "the item is invalid"
        detail = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field="name", description="too short"),
                error_details_pb2.BadRequest.FieldViolation(field="tags[1]", description="not a tag"),
            ]
        )
    elif name == "slow":
        code, message = grpc.StatusCode.RESOURCE_EXHAUSTED, "quota used up"
        detail = error_details_pb2.RetryInfo(retry_delay=duration_pb2.Duration(seconds=2, nanos=500000000))
    elif name == "gone":
        code, message = grpc.StatusCode.NOT_FOUND, "no such item"
        detail = error_details_pb2.ResourceInfo(
            resource_type="bridge.test.v1.Item", resource_name="widget-7", description="deleted"
        )
    else:
        return request
    status = status_pb2.Status(code=code.value[0], message=message, details=[packed(detail)])
    context.set_trailing_metadata((("grpc-status-details-bin", status.SerializeToString()),))
    context.abort(code, message)


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    handler = grpc.method_handlers_generic_handler(
        "bridge.test.v1.Shapes", {"Echo": grpc.unary_unary_rpc_method_handler(echo)}
    )
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port("127.0.0.1:" + sys.argv[1])
    server.start()
    print("listening on", port, flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
