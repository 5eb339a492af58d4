package dev.switchboard.plugin.internal;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import dev.switchboard.plugin.internal.proto.GRPCStdioGrpc;
import dev.switchboard.plugin.internal.proto.StdioData;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The plugin side of go-plugin's GRPCStdio. After the handshake line, System.out and System.err are
 * redirected into this capture, and the host's single StreamStdio call receives every chunk.
 *
 * <p>Until the host calls (old go-plugin hosts such as 1.0.1 never do), chunks are kept up to
 * {@link #BUFFER_LIMIT} bytes and the oldest are dropped beyond that, so a chatty plugin never
 * blocks on a pipe nobody reads.
 */
public final class StdioCapture extends GRPCStdioGrpc.GRPCStdioImplBase {
  static final int BUFFER_LIMIT = 1 << 20;

  // Guarded by this.
  private final ArrayDeque<StdioData> buffered = new ArrayDeque<>();
  private int bufferedBytes;
  private long dropped;
  private boolean taken;
  private @Nullable StreamObserver<StdioData> consumer;
  private @Nullable PrintStream originalOut;
  private @Nullable PrintStream originalErr;

  /**
   * Redirects System.out and System.err into this capture, as go-plugin's server takes over a
   * plugin's stdout and stderr once the handshake line is out; {@link #finish()} puts them back.
   */
  public synchronized void install() {
    if (originalOut == null && originalErr == null) {
      originalOut = System.out;
      originalErr = System.err;
    }
    System.setOut(
        new PrintStream(new Sink(StdioData.Channel.STDOUT), true, StandardCharsets.UTF_8));
    System.setErr(
        new PrintStream(new Sink(StdioData.Channel.STDERR), true, StandardCharsets.UTF_8));
  }

  @Override
  public void streamStdio(Empty request, StreamObserver<StdioData> responses) {
    synchronized (this) {
      if (taken) {
        responses.onError(
            Status.FAILED_PRECONDITION
                .withDescription("StreamStdio may be called once; its data has been handed out")
                .asRuntimeException());
        return;
      }
      taken = true;
      for (StdioData data : buffered) {
        responses.onNext(data);
      }
      buffered.clear();
      bufferedBytes = 0;
      consumer = responses;
    }
    if (responses instanceof ServerCallStreamObserver<StdioData> server) {
      server.setOnCancelHandler(
          () -> {
            synchronized (this) {
              consumer = null;
            }
          });
    }
  }

  synchronized void write(StdioData.Channel channel, byte[] bytes, int offset, int length) {
    StdioData data =
        StdioData.newBuilder()
            .setChannel(channel)
            .setData(ByteString.copyFrom(bytes, offset, length))
            .build();
    if (consumer != null) {
      try {
        consumer.onNext(data);
        return;
      } catch (RuntimeException gone) {
        consumer = null;
      }
    }
    if (taken) {
      return;
    }
    buffered.add(data);
    bufferedBytes += length;
    while (bufferedBytes > BUFFER_LIMIT && !buffered.isEmpty()) {
      bufferedBytes -= buffered.removeFirst().getData().size();
      dropped++;
    }
  }

  /**
   * Puts System.out and System.err back and ends the stream, so the host sees all output before the
   * plugin exits.
   */
  public synchronized void finish() {
    if (originalOut != null && originalErr != null) {
      System.setOut(originalOut);
      System.setErr(originalErr);
      originalOut = null;
      originalErr = null;
    }
    if (consumer != null) {
      try {
        consumer.onCompleted();
      } catch (RuntimeException ignored) {
        // Already cancelled by the host.
      }
      consumer = null;
    }
  }

  synchronized long dropped() {
    return dropped;
  }

  private final class Sink extends OutputStream {
    private final StdioData.Channel channel;

    Sink(StdioData.Channel channel) {
      this.channel = channel;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      if (length > 0) {
        StdioCapture.this.write(
            channel, Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
      }
    }
  }
}
