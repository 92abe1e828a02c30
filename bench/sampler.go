package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// sampler follows the peak memory (VmHWM, the kernel's own high-water mark)
// of a Terraform process and of every provider process it starts. Terraform
// starts and stops providers on its own, so their pids are found by polling
// /proc for Terraform's children; VmHWM keeps the peak between two polls, so
// only growth in a process's last interval before it exits can be missed.
type sampler struct {
	root  int
	stop  chan struct{}
	done  chan peaks
	other map[int]bool // pids seen that are not Terraform's providers
}

type peaks struct {
	providerKB  int64
	providers   int
	terraformKB int64
	// providerCPU is the user and system time of the provider processes
	// as last sampled: it misses at most their last interval.
	providerCPU time.Duration
}

func startSampler(root int, every time.Duration) *sampler {
	s := &sampler{root: root, stop: make(chan struct{}), done: make(chan peaks, 1), other: map[int]bool{}}
	go s.loop(every)
	return s
}

// finish stops sampling and returns the peaks seen.
func (s *sampler) finish() peaks {
	close(s.stop)
	return <-s.done
}

func (s *sampler) loop(every time.Duration) {
	var p peaks
	providers := map[int]bool{}
	cpu := map[int]time.Duration{}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		p.terraformKB = max(p.terraformKB, vmHWM(s.root))
		entries, _ := os.ReadDir("/proc")
		for _, e := range entries {
			pid, err := strconv.Atoi(e.Name())
			if err != nil || s.other[pid] {
				continue
			}
			if !providers[pid] {
				if parentOf(pid) != s.root {
					s.other[pid] = true
					continue
				}
				// A child that has not exec'd yet still looks like
				// Terraform: look again next time.
				if !isProvider(pid) {
					continue
				}
				providers[pid] = true
			}
			p.providerKB = max(p.providerKB, vmHWM(pid))
			if t, ok := cpuTime(pid); ok {
				cpu[pid] = t
			}
		}
		p.providers = len(providers)
		p.providerCPU = 0
		for _, t := range cpu {
			p.providerCPU += t
		}
		select {
		case <-s.stop:
			s.done <- p
			return
		case <-tick.C:
		}
	}
}

// parentOf reads the parent pid from /proc/<pid>/stat; 0 if it is gone.
func parentOf(pid int) int {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// "pid (comm) state ppid ...": comm may hold spaces and parentheses.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// clockTicks is USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on
// every Linux architecture Go supports.
const clockTicks = 100

// cpuTime is the process's user and system time so far.
func cpuTime(pid int) (time.Duration, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return 0, false
	}
	// After the comm: state is field 3 of stat, utime 14 and stime 15.
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * time.Second / clockTicks, true
}

func isProvider(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	if err != nil {
		return false
	}
	argv0, _, _ := bytes.Cut(data, []byte{0})
	return strings.HasPrefix(filepath.Base(string(argv0)), "terraform-provider-")
}

// vmHWM is the process's peak resident set size in kB; 0 if it is gone.
func vmHWM(pid int) int64 {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb
			}
		}
	}
	return 0
}
