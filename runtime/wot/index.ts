/** Web of Things: a Thing model after webthing-python, its protocol handler, and W3C TD 1.1. */
export { Value, type ValueListener, type ValueEventName, type SetOptions } from './value';
export { Property, type PropertyMetadata } from './property';
export { PropertyError } from './property-error';
export { Action, FINISH_LATER, type ActionStatus, type ActionDescription } from './action';
export { newActionId } from './action-id';
export { setActionQueue, queueAction, type ActionQueue } from './action-queue';
export { Event } from './event';
export {
  Thing, DEFAULT_HISTORY_LIMITS, type ThingSubscriber, type InteractionMetadata, type ActionClass,
  type WebThingDescription, type HistoryLimits, type Link,
} from './thing';
export { PropertyInput, EventInput, PropertyChanges } from './thing-flows';
export { SingleThing, MultipleThings, type ThingContainer } from './containers';
export { checkValue, type ValueSchema } from './schema';
export { WotSocketSession } from './socket-session';
export {
  WotRequestHandler, jsonResponse as wotJsonResponse, errorResponse as wotErrorResponse,
  type WotRequest, type WotResponse, type WotRoute, type WotMiddleware, type WotAuthOptions,
  type WotHandlerOptions, type SocketOpenResult,
} from './request-handler';
export {
  buildW3cThingDescription, buildW3cDirectoryDescription, TD_CONTEXT_V10, TD_CONTEXT_V11, TD_MEDIA_TYPE,
  type W3cThingDescription, type TdOptions,
} from './td-w3c';
export { thingPage, type ThingPageOptions } from './thing-page';
export { thingIndexPage } from './thing-index-page';
