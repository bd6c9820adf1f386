import { useApi } from '@backstage/frontend-plugin-api';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  MenuItem,
  TextField,
} from '@material-ui/core';
import { ClusterEnvironment } from '@internal/plugin-app-platform-common';
import { useState } from 'react';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { appPlatformApiRef } from '../../api/appPlatformApiRef';
import { ApiErrorAlert } from '../ApiErrorAlert';

type Props = { open: boolean; onClose: () => void; onRegistered: () => void };

/**
 * Registers a cluster. The backend checks every field and connects to the
 * cluster with the given URL, CA and token before saving; its error (which
 * names the field or the connection problem) is shown as is.
 */
export const RegisterClusterDialog = ({
  open,
  onClose,
  onRegistered,
}: Props) => {
  const client = useApi(appPlatformApiRef);
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [environment, setEnvironment] = useState<ClusterEnvironment>('test');
  const [caData, setCaData] = useState('');
  const [token, setToken] = useState('');
  const [{ loading: saving, error }, submit] = useAsyncFn(async () => {
    await client.registerCluster({
      name: name.trim(),
      url: url.trim(),
      environment,
      caData: caData.trim() || undefined,
      token: token.trim(),
    });
    setName('');
    setUrl('');
    setCaData('');
    setToken('');
    onRegistered();
    onClose();
  }, [client, name, url, environment, caData, token, onRegistered, onClose]);

  return (
    <Dialog open={open} onClose={onClose} fullWidth maxWidth="sm">
      <DialogTitle>Register a cluster</DialogTitle>
      <DialogContent>
        <ApiErrorAlert error={error} />
        <TextField
          label="Name"
          helperText="Lower-case letters, digits and '-' (RFC 1123)"
          value={name}
          onChange={e => setName(e.target.value)}
          fullWidth
          margin="normal"
          required
          inputProps={{ 'aria-label': 'Name' }}
        />
        <TextField
          label="API server URL"
          placeholder="https://10.0.0.1:6443"
          value={url}
          onChange={e => setUrl(e.target.value)}
          fullWidth
          margin="normal"
          required
          inputProps={{ 'aria-label': 'API server URL' }}
        />
        <TextField
          select
          label="Environment"
          value={environment}
          onChange={e => setEnvironment(e.target.value as ClusterEnvironment)}
          fullWidth
          margin="normal"
        >
          <MenuItem value="test">test</MenuItem>
          <MenuItem value="production">production</MenuItem>
        </TextField>
        <TextField
          label="CA certificate (PEM)"
          value={caData}
          onChange={e => setCaData(e.target.value)}
          fullWidth
          margin="normal"
          multiline
          minRows={3}
          inputProps={{ 'aria-label': 'CA certificate (PEM)' }}
        />
        <TextField
          label="Service-account token"
          type="password"
          helperText="Stored encrypted; never shown again"
          value={token}
          onChange={e => setToken(e.target.value)}
          fullWidth
          margin="normal"
          required
          inputProps={{ 'aria-label': 'Service-account token' }}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={saving || !name || !url || !token}
        >
          {saving ? 'Checking the cluster…' : 'Register'}
        </Button>
      </DialogActions>
    </Dialog>
  );
};
