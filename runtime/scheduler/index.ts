export { Scheduler, SchedulerTimer, waitMs, type SchedulerOptions } from './scheduler';
export { VirtualClock, type VirtualClockOptions } from './virtual-clock';
export { ticksDiff, ticksAdd, setDefaultClock, defaultClock, type Clock } from './clock';
export { UnwrappedTime } from './unwrapped-time';
