package io.polyport.observe;

import io.polyport.AppConfig;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The OpenTelemetry SDK of the process: W3C trace context (and baggage) propagation, spans batched to
 * OTLP over HTTP (protobuf) at {@code telemetry.otlpEndpoint}, or to an exporter given by the caller (the
 * tests' in-memory one). Without either there is no SDK at all: no exporter, no background thread.
 */
final class Tracing {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private Tracing() {
  }

  /** The SDK, or null when tracing is off (no endpoint and no exporter). */
  static OpenTelemetrySdk sdk(AppConfig.Telemetry telemetry, SpanExporter exporter) {
    if (exporter == null) {
      if (telemetry.otlpEndpoint() == null) {
        return null;
      }
      exporter = OtlpHttpSpanExporter.builder().setEndpoint(tracesUrl(telemetry.otlpEndpoint())).build();
    }
    Resource resource = Resource.getDefault().merge(Resource.create(Attributes.of(SERVICE_NAME, telemetry.serviceName())));
    SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
        .setResource(resource)
        .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
        .build();
    return OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider)
        // the SDK propagates nothing unless told to
        .setPropagators(ContextPropagators.create(TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())))
        .build();
  }

  /** OTEL_EXPORTER_OTLP_ENDPOINT is the collector's base URL; traces go to its /v1/traces. */
  static String tracesUrl(String endpoint) {
    String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
    return base.endsWith("/v1/traces") ? base : base + "/v1/traces";
  }
}
