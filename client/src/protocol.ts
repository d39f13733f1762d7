// The custom messages of protocol/messages.ts as vscode-languageclient's typed messages.
import { NotificationType, NotificationType0, RequestType, RequestType0 } from 'vscode-languageclient/node';
import * as messages from '../../protocol/messages';

function notification<P>(message: messages.NotificationMessage<P>): NotificationType<P> {
  return new NotificationType<P>(message.method);
}
function request<P, R>(message: messages.RequestMessage<P, R>): RequestType<P, R, void> {
  return new RequestType<P, R, void>(message.method);
}
function request0<R>(message: messages.RequestMessage<void, R>): RequestType0<R, void> {
  return new RequestType0<R, void>(message.method);
}

export const StatusNotification = notification(messages.StatusNotification);
export const MachineSettingsNotification = notification(messages.MachineSettingsNotification);
export const PinFilesRequest = request(messages.PinFilesRequest);
export const RefreshRequest = request0(messages.RefreshRequest);
export const UpdateOptionsRequest = request(messages.UpdateOptionsRequest);
export const WorkspaceImagesRequest = request(messages.WorkspaceImagesRequest);
export const WorkspaceImagesChangedNotification = new NotificationType0(
  messages.WorkspaceImagesChangedNotification.method,
);
