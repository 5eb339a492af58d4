package dev.switchboard.contract.internal.parser;

import java.util.List;

/**
 * The hand-written edge-case protos under src/test/resources/edge, compiled by protoc and by us.
 */
final class EdgeCorpus {
  private EdgeCorpus() {}

  static final List<String> FILES =
      List.of(
          "edge/options.proto",
          "edge/scalars.proto",
          "edge/scoping.proto",
          "edge/proto2.proto",
          "edge/uses_public.proto",
          "edge/streaming.proto",
          "edge/syntaxless.proto",
          "edge/nested_options.proto",
          "edge/proto3_ext.proto",
          "edge/lexical.proto",
          "edge/aggregates.proto",
          "edge/negzero.proto",
          "edge/comments.proto",
          "edge/comments_proto2.proto");

  /** Imported by the files above, so present on disk; compiled through those imports. */
  static final List<String> IMPORTED =
      List.of("edge/base.proto", "edge/reexport.proto", "edge/weakdep.proto");
}
