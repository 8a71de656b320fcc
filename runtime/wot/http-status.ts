/** Reason phrases for the statuses the WoT endpoint answers with. */
export const STATUS_TEXT: { [code: number]: string } = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 410: 'Gone', 411: 'Length Required',
  413: 'Payload Too Large', 417: 'Expectation Failed', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 503: 'Service Unavailable',
};
