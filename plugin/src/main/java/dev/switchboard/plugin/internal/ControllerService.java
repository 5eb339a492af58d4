package dev.switchboard.plugin.internal;

import dev.switchboard.plugin.internal.proto.Empty;
import dev.switchboard.plugin.internal.proto.GRPCControllerGrpc;
import io.grpc.stub.StreamObserver;

/**
 * go-plugin's GRPCController: the host's polite way to stop a plugin. The reply goes out first,
 * then the server stops, as go-plugin's {@code grpc_controller.go} does.
 */
public final class ControllerService extends GRPCControllerGrpc.GRPCControllerImplBase {
  private final Runnable shutdown;

  public ControllerService(Runnable shutdown) {
    this.shutdown = shutdown;
  }

  @Override
  public void shutdown(Empty request, StreamObserver<Empty> responses) {
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
    Thread stopper = new Thread(shutdown, "plugin-shutdown");
    stopper.setDaemon(true);
    stopper.start();
  }
}
