/**
 * What a schedule's function is invoked with, which it does not read: the
 * schedule's fixed input deployed (`{}`: EventBridge Scheduler sends the
 * target's input, not an EventBridge `Scheduled Event`), the local timer's
 * `Scheduled Event` offline. A run is the same whatever it says.
 */
export type ScheduleRun = object;
