package provider

import (
	"context"
	"errors"
	"time"
)

// pollSchedule says how a wait polls Codat: the second poll comes first
// after the first, later ones growth times further apart, at most max apart.
type pollSchedule struct {
	first  time.Duration
	max    time.Duration
	growth float64
}

// defaultPollSchedule polls soon at first (a sync often ends within seconds)
// and then backs off, so a long wait costs few of Codat's rate-limited
// requests: about 25 in ten minutes.
var defaultPollSchedule = pollSchedule{first: time.Second, max: 30 * time.Second, growth: 1.5}

// errPollDeadline is returned by pollUntil when the deadline passes before
// poll reports done.
var errPollDeadline = errors.New("deadline passed")

// waitStoppedError is returned when the context ends a wait (Terraform
// interrupted, or its own deadline).
type waitStoppedError struct {
	waited time.Duration
	cause  error
}

func (e *waitStoppedError) Error() string { return "stopped waiting: " + e.cause.Error() }

// pollUntil calls poll at once and then on schedule until poll reports done
// or fails, or deadline passes; the last call is made at the deadline, so
// something that finishes just in time is not missed. It returns nil when
// poll reported done, poll's error, errPollDeadline, or a *waitStoppedError
// when ctx ends first (also when poll fails because ctx ended).
func pollUntil(ctx context.Context, deadline time.Time, schedule pollSchedule, poll func() (done bool, err error)) error {
	start := time.Now()
	interval := schedule.first
	for {
		done, err := poll()
		if err != nil && ctx.Err() != nil {
			return &waitStoppedError{waited: time.Since(start), cause: ctx.Err()}
		}
		if done || err != nil {
			return err
		}
		remaining := time.Until(deadline)
		if remaining <= 0 {
			return errPollDeadline
		}
		timer := time.NewTimer(min(interval, remaining))
		select {
		case <-ctx.Done():
			timer.Stop()
			return &waitStoppedError{waited: time.Since(start), cause: ctx.Err()}
		case <-timer.C:
		}
		interval = min(time.Duration(float64(interval)*schedule.growth), schedule.max)
	}
}
