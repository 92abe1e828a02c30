package provider

import (
	"context"
	"log/slog"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// tflogLogger is the client's logger: its lines (one per request, one per
// retry, never a header) go to Terraform's log through the request's context,
// so TF_LOG_PROVIDER=DEBUG shows every request and INFO every retry.
func tflogLogger() *slog.Logger { return slog.New(tflogHandler{}) }

type tflogHandler struct {
	attrs []slog.Attr
}

// Enabled leaves the filtering to tflog, which applies TF_LOG's level.
func (tflogHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h tflogHandler) Handle(ctx context.Context, r slog.Record) error {
	fields := make(map[string]any, r.NumAttrs()+len(h.attrs))
	for _, a := range h.attrs {
		fields[a.Key] = a.Value.String()
	}
	r.Attrs(func(a slog.Attr) bool {
		fields[a.Key] = a.Value.String()
		return true
	})
	switch {
	case r.Level >= slog.LevelError:
		tflog.Error(ctx, r.Message, fields)
	case r.Level >= slog.LevelWarn:
		tflog.Warn(ctx, r.Message, fields)
	case r.Level >= slog.LevelInfo:
		tflog.Info(ctx, r.Message, fields)
	case r.Level >= slog.LevelDebug:
		tflog.Debug(ctx, r.Message, fields)
	default:
		tflog.Trace(ctx, r.Message, fields)
	}
	return nil
}

func (h tflogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return tflogHandler{attrs: append(append([]slog.Attr(nil), h.attrs...), attrs...)}
}

// WithGroup is not used by the client; groups are flattened.
func (h tflogHandler) WithGroup(string) slog.Handler { return h }
